import type { YamlPath, YamlValue } from '../../compose/yaml.js';
import { at, isMap, locate, locateIn, rawSection, rawServices } from '../locate.js';
import { unlessLoaded } from '../services.js';
import type { ComposeFile, Finding, LintInput, LintRule } from '../types.js';

type Kind = 'configs' | 'secrets' | 'networks' | 'volumes';
const KINDS: Kind[] = ['configs', 'secrets', 'networks', 'volumes'];
const WHAT: Record<Kind, string> = {
  configs: 'config',
  secrets: 'secret',
  networks: 'network',
  volumes: 'volume',
};

/** Names a raw service entry refers to, with the path of each reference. */
function rawRefs(svc: YamlValue, kind: Kind): { name: string; path: YamlPath }[] {
  const list = isMap(svc) ? svc[kind] : undefined;
  if (kind === 'networks' && isMap(list))
    return Object.keys(list).map((name) => ({ name, path: [kind, name] }));
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, i) => {
    const name = refName(item, kind);
    return name === undefined ? [] : [{ name, path: [kind, i] }];
  });
}

function refName(item: YamlValue, kind: Kind): string | undefined {
  if (kind !== 'volumes') {
    if (typeof item === 'string') return item;
    return isMap(item) && typeof item.source === 'string' ? item.source : undefined;
  }
  if (typeof item === 'string') {
    const [source, ...rest] = item.split(':');
    // Only `name:/path` mounts a named volume; paths are binds and a lone path is anonymous.
    return rest.length > 0 && source && !/^[./~$]/.test(source) ? source : undefined;
  }
  if (!isMap(item) || typeof item.source !== 'string') return undefined;
  return item.type === undefined || item.type === 'volume' ? item.source : undefined;
}

function findRef(files: ComposeFile[], service: string, kind: Kind, name: string) {
  for (const f of [...files].reverse()) {
    const ref = rawRefs(rawServices(f)[service] ?? null, kind).find((r) => r.name === name);
    if (ref) return locateIn(f, ['services', service, ...ref.path]);
  }
  return undefined;
}

/** A004: a service may only use what the stack defines, or the deploy stops with "undefined". */
export const referencesDefined: LintRule = {
  id: 'A004',
  severity: 'error',
  title: 'configs, secrets, networks and volumes used by services are defined',
  howToFix:
    'Define the object under the top-level configs:/secrets:/networks:/volumes: of the same compose file combination (an overlay may use what compose.yml defines), or fix the name.',
  skip: unlessLoaded,
  check(input) {
    const findings: Finding[] = [];
    for (const v of input.variants) {
      const cfg = v.config;
      if (cfg === undefined) continue;
      const files = input.composeFiles.filter((f) => v.files.includes(f.file));
      for (const [name, svc] of Object.entries(cfg.services)) {
        const used: [Kind, string[]][] = [
          ['configs', (svc.configs ?? []).flatMap((r) => (r.source ? [r.source] : []))],
          ['secrets', (svc.secrets ?? []).flatMap((r) => (r.source ? [r.source] : []))],
          ['networks', Object.keys(svc.networks ?? {}).filter((n) => n !== 'default')],
          [
            'volumes',
            (svc.volumes ?? []).flatMap((m) => (m.type === 'volume' && m.source ? [m.source] : [])),
          ],
        ];
        for (const [kind, names] of used) {
          for (const ref of names) {
            if (cfg[kind] && Object.hasOwn(cfg[kind], ref)) continue;
            const loc = findRef(files, name, kind, ref) ?? locate(input, ['services', name, kind], v.files);
            findings.push(
              at(
                loc,
                `service ${name} uses ${WHAT[kind]} ${ref}, which ${v.files.join(':')} does not define`,
              ),
            );
          }
        }
      }
    }
    return findings;
  },
};

const UNUSED_NOTE: Record<Kind, string> = {
  configs: '; docker stack deploy still creates it, so its file must exist',
  secrets: '; abra still expects it to exist (secret generate/ls list it)',
  networks: '',
  volumes: '',
};

/** A005: definitions nothing uses are dead weight, and unused configs still get created. */
export const definitionsUsed: LintRule = {
  id: 'A005',
  severity: 'warn',
  title: 'defined configs, secrets, networks and volumes are used',
  howToFix: 'Remove the unused definition, or mount/attach it in the service that was meant to use it.',
  check(input: LintInput) {
    const used = new Set<string>();
    for (const f of input.composeFiles)
      for (const svc of Object.values(rawServices(f)))
        for (const kind of KINDS) for (const r of rawRefs(svc, kind)) used.add(`${kind}/${r.name}`);
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const f of input.composeFiles) {
      for (const kind of KINDS) {
        for (const key of Object.keys(rawSection(f, kind))) {
          const id = `${kind}/${key}`;
          if (used.has(id) || reported.has(id)) continue;
          reported.add(id);
          const loc = locateIn(f, [kind, key]) ?? { file: f.file };
          findings.push(
            at(loc, `${WHAT[kind]} ${key} is defined but no service uses it${UNUSED_NOTE[kind]}`),
          );
        }
      }
    }
    return findings;
  },
};
