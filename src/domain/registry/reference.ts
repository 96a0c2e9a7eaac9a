// Where an image's tags and manifests live: the registry host to ask over the Registry HTTP API
// v2 and the repository path there. Docker Hub's canonical name `docker.io` is served by
// `registry-1.docker.io`, and its one-segment names live under `library/`.
import { splitDomain } from '../swarm/image-ref.js';

export interface RegistryRepo {
  /** The host (and port) whose /v2/ API serves the repository. */
  host: string;
  /** The repository path on that host (`library/nginx`, `abra-lab/nginx`). */
  path: string;
  /** The name as a recipe wrote it, without tag or digest, for messages. */
  name: string;
}

const HUB_API = 'registry-1.docker.io';
const PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * The registry repository of an image name (no tag, no digest), or undefined when the name
 * cannot be one (an unexpanded `${VAR}`, upper case, empty path segments).
 */
export function registryRepo(image: string): RegistryRepo | undefined {
  if (image === '' || image.includes('${') || image.includes('@')) return undefined;
  const [domain, path] = splitDomain(image);
  if (!PATH.test(path) || path.length > 255) return undefined;
  const host = domain === 'docker.io' ? HUB_API : domain;
  return { host, path, name: image };
}

/** Loopback registries speak plain HTTP, as the docker daemon allows without configuration. */
export function isLoopbackRegistry(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** A manifest digest as registries write it (`sha256:` + 64 hex). */
export function isDigest(s: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(s);
}
