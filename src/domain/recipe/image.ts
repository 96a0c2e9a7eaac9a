/** An image reference split the way the catalogue stores it: `{ image, tag }`. */
export interface ImageRef {
  image: string;
  /** Empty when the reference has no tag (implicitly `latest`) or is one unexpanded variable. */
  tag: string;
  digest?: string;
}

/**
 * Split `registry:5000/org/app:1.2@sha256:...` into name, tag and digest. `${...}`
 * expressions are left unexpanded and never split inside (`${IMG:-nginx}:${TAG}`), because
 * `recipe versions` shows what the recipe says, not what an app would deploy.
 */
export function splitImageRef(ref: string): ImageRef {
  const at = topLevelIndex(ref, '@', 'first');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const nameTag = at === -1 ? ref : ref.slice(0, at);
  const slash = topLevelIndex(nameTag, '/', 'last');
  const colon = topLevelIndex(nameTag, ':', 'last');
  const out: ImageRef =
    colon > slash
      ? { image: nameTag.slice(0, colon), tag: nameTag.slice(colon + 1) }
      : { image: nameTag, tag: '' };
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** Index of `ch` outside any `${...}`, or -1. */
function topLevelIndex(s: string, ch: string, which: 'first' | 'last'): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      depth++;
      i++;
    } else if (s[i] === '}' && depth > 0) depth--;
    else if (depth === 0 && s[i] === ch) {
      found = i;
      if (which === 'first') return i;
    }
  }
  return found;
}
