import { UserError } from '../../errors.js';

export interface ScaleTarget {
  service: string;
  replicas: number;
}

/** Docker refuses more than this many replicas per service in practice; a typo should not reach it. */
const MAX_REPLICAS = 1000;

/** `app=3 worker=0` -> targets; each service once, a whole number from 0 to 1000. */
export function parseScaleArgs(args: readonly string[]): ScaleTarget[] {
  if (args.length === 0)
    throw new UserError('Which services, and how many replicas?', {
      hint: 'Give <service>=<replicas>, e.g. `abra app scale <app> app=3`.',
      code: 'usage',
    });
  const seen = new Set<string>();
  return args.map((arg) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(\d{1,4})$/.exec(arg);
    const replicas = m ? Number(m[2]) : Number.NaN;
    if (!m || replicas > MAX_REPLICAS)
      throw new UserError(`"${arg}" is not <service>=<replicas>`, {
        hint: `Write a service name, "=", and a whole number from 0 to ${MAX_REPLICAS}, e.g. app=3.`,
        code: 'usage',
      });
    const service = m[1] as string;
    if (seen.has(service))
      throw new UserError(`${service} is named twice`, { hint: 'Give each service once.', code: 'usage' });
    seen.add(service);
    return { service, replicas };
  });
}
