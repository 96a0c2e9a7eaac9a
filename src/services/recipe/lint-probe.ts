/** What a HEAD request to a URL showed; unreachable covers DNS, TLS, timeouts and offline. */
export type ProbeResult = { reachable: true; status: number } | { reachable: false; reason: string };

export type UrlProbe = (url: string) => Promise<ProbeResult>;

/** Long enough for a slow forge, short enough that lint never seems to hang. */
export const PROBE_TIMEOUT_MS = 4000;

export const httpProbe: UrlProbe = async (url) => {
  try {
    const res = await fetch(url, {
      method: 'HEAD',
      redirect: 'follow',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return { reachable: true, status: res.status };
  } catch (err) {
    return { reachable: false, reason: reasonOf(err) };
  }
};

function reasonOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError')
    return `no answer within ${PROBE_TIMEOUT_MS / 1000}s`;
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return err instanceof Error ? err.message : String(err);
}
