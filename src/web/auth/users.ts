import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { writeFileAtomic } from '../../infra/store/atomic.js';
import { readIfExists } from '../../infra/store/read.js';
import { hashPassword } from './password.js';
import { isRole, type Principal, type Role } from './roles.js';

export interface WebUser extends Principal {
  hash: string;
  created: string;
}

interface UsersFile {
  version: 1;
  users: WebUser[];
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** Dashboard accounts: $ABRA_DIR/web/users.json, 0600, replaced atomically on every change. */
export class WebUserStore {
  readonly dir: string;
  readonly file: string;

  constructor(abraRoot: string) {
    this.dir = join(abraRoot, 'web');
    this.file = join(this.dir, 'users.json');
  }

  async list(): Promise<WebUser[]> {
    const text = await readIfExists(this.file, 'The dashboard accounts file');
    if (text === undefined) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UserError(`The dashboard accounts file is not valid JSON: ${(err as Error).message}`, {
        where: this.file,
        hint: 'Restore it from a backup, or remove it and add the accounts again with `abra web user add`.',
        code: 'web_users_corrupt',
      });
    }
    const users = (parsed as Partial<UsersFile>).users;
    if (!Array.isArray(users))
      throw new UserError('The dashboard accounts file has no "users" list', {
        where: this.file,
        hint: 'Remove it and add the accounts again with `abra web user add`.',
        code: 'web_users_corrupt',
      });
    return users.filter(
      (u): u is WebUser =>
        typeof u?.name === 'string' &&
        typeof u.hash === 'string' &&
        typeof u.role === 'string' &&
        isRole(u.role),
    );
  }

  async find(name: string): Promise<WebUser | undefined> {
    return (await this.list()).find((u) => u.name === name);
  }

  async add(input: {
    name: string;
    password: string;
    role: Role;
    servers?: string[] | undefined;
  }): Promise<WebUser> {
    checkName(input.name);
    if (input.password.length < 10)
      throw new UserError('The password is too short: at least 10 characters', {
        hint: 'Choose a longer password (a passphrase of several words is easiest).',
        code: 'web_password_short',
      });
    const users = await this.list();
    if (users.some((u) => u.name === input.name))
      throw new UserError(`A dashboard account "${input.name}" already exists`, {
        where: this.file,
        hint: `Remove it first with \`abra web user rm ${input.name}\`, or choose another name.`,
        code: 'web_user_exists',
      });
    const user: WebUser = {
      name: input.name,
      role: input.role,
      ...(input.servers && input.servers.length > 0 ? { servers: input.servers } : {}),
      hash: await hashPassword(input.password),
      created: new Date().toISOString(),
    };
    await this.save([...users, user]);
    return user;
  }

  async remove(name: string): Promise<void> {
    const users = await this.list();
    if (!users.some((u) => u.name === name))
      throw new UserError(`No dashboard account "${name}"`, {
        where: this.file,
        hint: 'See the accounts with `abra web user ls`.',
        code: 'web_user_unknown',
      });
    await this.save(users.filter((u) => u.name !== name));
  }

  private async save(users: WebUser[]): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const body: UsersFile = { version: 1, users };
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`, 0o600);
  }
}

export function checkName(name: string): void {
  if (!NAME.test(name))
    throw new UserError(`"${name}" is not a valid account name`, {
      hint: 'Use 1-32 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.',
      code: 'web_user_name',
    });
}
