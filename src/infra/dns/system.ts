/**
 * The system resolver (getaddrinfo: /etc/hosts, then DNS), loaded on first use since most
 * commands never resolve a name. A name without records of a family is an empty list for
 * AAAA (most domains have none) and an error for A, as the domain check expects.
 */
export const systemDns = {
  lookup4: async (name: string): Promise<string[]> => {
    const { lookup } = await import('node:dns/promises');
    return (await lookup(name, { family: 4, all: true })).map((a) => a.address);
  },
  lookup6: async (name: string): Promise<string[]> => {
    const { lookup } = await import('node:dns/promises');
    try {
      return (await lookup(name, { family: 6, all: true })).map((a) => a.address);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'EAI_NODATA') return [];
      throw err;
    }
  },
};
