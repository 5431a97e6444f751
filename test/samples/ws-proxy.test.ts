import { startWithEnvFile } from './connector-target.ts';
import { wsProxyChecks } from './ws-proxy.checks.ts';

wsProxyChecks(startWithEnvFile);
