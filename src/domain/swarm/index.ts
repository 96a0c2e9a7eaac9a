// The compose -> Swarm conversion: what `docker stack deploy` (CLI 28) would create.

export { bindServiceSpec, type ObjectIds } from './bind.js';
export { type StoredSpecOptions, storedServiceSpec } from './engine-defaults.js';
export type { DesiredFileObject, ReadFile } from './file-objects.js';
export { isUserDefinedNetwork } from './names.js';
export type * from './spec.js';
export { type DesiredService, type DesiredStack, type ToStackOptions, toStack } from './stack.js';
