import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abraShFunctions, functionScript, parsePostDeployCmds } from '../../src/domain/cmd/abra-sh.js';
import { containerSide } from '../../src/services/app/cp.js';

describe('abra.sh functions', () => {
  it('finds every definition style once, in order, and skips comments and calls', () => {
    const text = [
      'export FOO_VERSION=v1',
      'migrate() {',
      '  ./bin/migrate',
      '}',
      'function backup {',
      'function restore() {',
      '  with_space () {',
      '# commented() {',
      'migrate() {',
      'echo "not() a function"',
      'helper()',
      '{',
    ].join('\n');
    assert.deepEqual(abraShFunctions(text), ['migrate', 'backup', 'restore', 'with_space', 'helper']);
    assert.deepEqual(abraShFunctions('# only exports\nexport A=1\n'), []);
  });

  it('calls the function with the positional parameters', () => {
    assert.equal(functionScript('f() { :; }', 'f'), 'f() { :; }\nf "$@"\n');
  });
});

describe('POST_DEPLOY_CMDS', () => {
  it('parses Go abra\'s format: |-separated "<service> <function> [args]"', () => {
    const parsed = parsePostDeployCmds(' app migrate --force now | db  vacuum |');
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.cmds.map((c) => [c.service, c.fn, c.args]),
      [
        ['app', 'migrate', ['--force', 'now']],
        ['db', 'vacuum', []],
      ],
    );
    assert.deepEqual(parsePostDeployCmds(undefined), { ok: true, cmds: [] });
    assert.deepEqual(parsePostDeployCmds('  '), { ok: true, cmds: [] });
  });

  it('names an entry without a function', () => {
    const parsed = parsePostDeployCmds('app migrate|justone');
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error, /"justone" needs a service and a function/);
  });
});

describe('app cp arguments', () => {
  it('tells service:path from local paths', () => {
    assert.deepEqual(containerSide('app:/etc/hosts'), { service: 'app', path: '/etc/hosts' });
    assert.deepEqual(containerSide('db_1:'), { service: 'db_1', path: '/' });
    assert.equal(containerSide('./a:b'), undefined);
    assert.equal(containerSide('/tmp/x:y'), undefined);
    assert.equal(containerSide('file.txt'), undefined);
  });
});
