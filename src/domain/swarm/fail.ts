import { UserError } from '../../errors.js';

/** A compose value docker's conversion rejects, reported against its service like docker does. */
export function serviceError(service: string, message: string, key?: string): UserError {
  return new UserError(`service ${service}: ${message}`, {
    where: key ? `services.${service}.${key}` : `services.${service}`,
    code: 'swarm_convert',
  });
}
