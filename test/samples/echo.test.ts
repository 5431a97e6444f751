import { echoChecks } from './echo.checks.ts';
import { startWithCli } from './target.ts';

echoChecks(startWithCli);
