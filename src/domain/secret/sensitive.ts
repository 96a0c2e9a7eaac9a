// A generated secret value travels from the service that made it to the one renderer allowed to
// show it. Wrapping it makes every other path safe by default: JSON (the --machine event stream,
// the dashboard's event stream, a result printed as JSON, an audit entry) leaves it out, and
// string conversion (a message built by mistake with `${value}`) shows a placeholder. Only an
// explicit `reveal()` gives the text.

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export const HIDDEN = '<hidden>';

export class SecretText {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself: for the terminal renderer, or output the operator asked to hold secrets. */
  reveal(): string {
    return this.#value;
  }

  /** undefined: JSON.stringify omits the property (and writes null in an array). */
  toJSON(): undefined {
    return undefined;
  }

  toString(): string {
    return HIDDEN;
  }

  [INSPECT](): string {
    return `SecretText(${HIDDEN})`;
  }
}

/** `T` with every SecretText in it replaced by its text. */
export type Revealed<T> = T extends SecretText
  ? string
  : T extends readonly (infer U)[]
    ? Revealed<U>[]
    : T extends object
      ? { [K in keyof T]: Revealed<T[K]> }
      : T;

/** A copy of plain data with every SecretText revealed (`--machine --show-secrets`). */
export function revealSecrets<T>(value: T): Revealed<T> {
  return reveal(value) as Revealed<T>;
}

function reveal(value: unknown): unknown {
  if (value instanceof SecretText) return value.reveal();
  if (Array.isArray(value)) return value.map(reveal);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/** One secret generated on a swarm: names for everyone, the value only for whoever may see it. */
export interface GeneratedSecret {
  name: string;
  version: string;
  remoteName: string;
  kind: 'password' | 'passphrase';
  value: SecretText;
}
