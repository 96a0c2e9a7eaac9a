// Secrets and configs `docker stack deploy` creates (or updates: the CLI overwrites an existing
// object of the same name), and the external ones services only reference.

import { UserError } from '../../errors.js';
import type { ComposeConfig, FileObjectConfig } from '../compose/types.js';
import { objectName } from '../stack/contract.js';
import { compareGo, sortedRecord, withStackLabel } from './names.js';
import { isExternal } from './networks.js';
import type { ConfigSpec, SecretSpec } from './spec.js';

/** Reads a secret's or config's file; injected so the conversion stays free of I/O. */
export type ReadFile = (path: string) => Uint8Array;

export interface DesiredFileObject<S> {
  /** The compose key (`secrets:`/`configs:` entry). */
  key: string;
  spec: S;
  /**
   * The absolute path the data comes from. `spec.Data` is filled only when a ReadFile was
   * given; otherwise the caller reads this file and sets Data (base64) itself.
   */
  file?: string;
}

type Kind = 'secret' | 'config';

/** `name:` wins; otherwise `<stack>_<key>`. External objects keep the name the loader gave. */
export function fileObjectName(namespace: string, key: string, obj: FileObjectConfig | undefined): string {
  if (obj?.name) return obj.name;
  if (obj && typeof obj.external === 'object' && obj.external.name) return obj.external.name;
  if (obj && isExternal(obj)) return key;
  return objectName(namespace, key);
}

function base(
  kind: Kind,
  namespace: string,
  key: string,
  obj: FileObjectConfig,
  readFile: ReadFile | undefined,
): { name: string; labels: Record<string, string>; data?: string; file?: string } {
  const name = fileObjectName(namespace, key, obj);
  const labels = withStackLabel(namespace, obj.labels);
  // A driver-backed secret carries no data: the driver supplies it.
  if (kind === 'secret' && obj.driver) return { name, labels };
  if (!obj.file) {
    throw new UserError(`${kind} "${key}" has no file and is not external`, {
      where: `${kind}s.${key}`,
      hint: `Give it \`file:\`, or mark it \`external: true\` and create it first.`,
      code: 'swarm_file_object_source',
    });
  }
  const out: { name: string; labels: Record<string, string>; data?: string; file?: string } = {
    name,
    labels,
    file: obj.file,
  };
  if (readFile) out.data = Buffer.from(readFile(obj.file)).toString('base64');
  return out;
}

export function stackSecrets(
  config: ComposeConfig,
  namespace: string,
  readFile?: ReadFile,
): DesiredFileObject<SecretSpec>[] {
  const out: DesiredFileObject<SecretSpec>[] = [];
  for (const [key, obj] of Object.entries(config.secrets ?? {})) {
    if (isExternal(obj)) continue;
    const b = base('secret', namespace, key, obj, readFile);
    const spec: SecretSpec = { Name: b.name, Labels: b.labels };
    if (b.data) spec.Data = b.data;
    if (obj.driver) {
      spec.Driver = { Name: obj.driver };
      if (obj.driver_opts) spec.Driver.Options = sortedRecord(obj.driver_opts);
    }
    if (obj.template_driver) spec.Templating = { Name: obj.template_driver };
    out.push(b.file === undefined ? { key, spec } : { key, spec, file: b.file });
  }
  return out.sort((a, b) => compareGo(a.spec.Name, b.spec.Name));
}

export function stackConfigs(
  config: ComposeConfig,
  namespace: string,
  readFile?: ReadFile,
): DesiredFileObject<ConfigSpec>[] {
  const out: DesiredFileObject<ConfigSpec>[] = [];
  for (const [key, obj] of Object.entries(config.configs ?? {})) {
    if (isExternal(obj)) continue;
    const b = base('config', namespace, key, obj, readFile);
    const spec: ConfigSpec = { Name: b.name, Labels: b.labels };
    if (b.data) spec.Data = b.data;
    if (obj.template_driver) spec.Templating = { Name: obj.template_driver };
    out.push(b.file === undefined ? { key, spec } : { key, spec, file: b.file });
  }
  return out.sort((a, b) => compareGo(a.spec.Name, b.spec.Name));
}
