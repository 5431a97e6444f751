// samples/echo-lowcode.wsflow.yaml (action nodes only) passes the echo sample's own checks.
import { echoChecks } from './echo.checks.ts';
import { lowcodeTwin, startWithCli } from './target.ts';

echoChecks(lowcodeTwin(startWithCli));
