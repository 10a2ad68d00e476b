import { describe, expect, it } from 'vitest';
import { planInvocation, type InvocationRequest } from './invocation.js';

const base: InvocationRequest = {
  scriptPath: '/bundle/scripts/start.sh',
  location: 'scripts/start.sh',
  env: { DEPLOYMENT_ID: 'd-1' },
  agent: { uid: 0, name: 'root' },
};
const www = { name: 'www-data', uid: 33, gid: 33, home: '/var/www', shell: '/usr/sbin/nologin' };
const identity = { HOME: '/var/www', SHELL: '/usr/sbin/nologin', USER: 'www-data', LOGNAME: 'www-data' };

describe('planInvocation', () => {
  it('runs the script directly as the agent when no runas is given', () => {
    expect(planInvocation(base)).toEqual({
      ok: true,
      value: { file: '/bundle/scripts/start.sh', args: [], env: { DEPLOYMENT_ID: 'd-1' }, userName: 'root' },
    });
  });

  it('switches user, group and supplementary groups through setpriv when root', () => {
    expect(planInvocation({ ...base, runas: www })).toEqual({
      ok: true,
      value: {
        file: 'setpriv',
        args: ['--reuid=33', '--regid=33', '--init-groups', '--', '/bundle/scripts/start.sh'],
        env: { DEPLOYMENT_ID: 'd-1', ...identity },
        userName: 'www-data',
      },
    });
  });

  it('needs no switch when runas is the agent user, but still sets that identity', () => {
    const plan = planInvocation({ ...base, agent: { uid: 33, name: 'www-data' }, runas: www });
    expect(plan).toEqual({
      ok: true,
      value: { file: '/bundle/scripts/start.sh', args: [], env: { DEPLOYMENT_ID: 'd-1', ...identity }, userName: 'www-data' },
    });
  });

  it('refuses another user when the agent is not root', () => {
    expect(planInvocation({ ...base, agent: { uid: 1000, name: 'deploy' }, runas: www })).toEqual({
      ok: false,
      error: {
        errorCode: 'ScriptFailed',
        message:
          'Script at specified location: scripts/start.sh run as user www-data cannot start: the agent runs as deploy, ' +
          'and only root can switch users',
      },
    });
  });
});
