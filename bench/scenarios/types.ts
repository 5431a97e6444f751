/** What a scenario is to the harness: a flow, the metrics it yields, and one measured run. */
import type { FlowKey, RunningServer } from '../contenders/index.ts';

export interface Metric {
  key: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** Shown as a ratio against raw ws (and wsflow against Node-RED) in the table. */
  ratio?: boolean;
}

export interface RunContext {
  quick: boolean;
  /** `--pin`: the request/reply scenarios' server and load generator on separate cores (bench/lib/placement.ts). */
  pin: boolean;
  log: (line: string) => void;
}

export type Measurement = Record<string, number>;

export interface ScenarioDef {
  id: string;
  title: string;
  flow: FlowKey;
  metrics: Metric[];
  /** Start a fresh server for every run (memory is only comparable from a clean process). */
  freshServerPerRun: boolean;
  /** Upper bound of one measure() call, after which the run counts as failed. */
  runTimeoutMs(quick: boolean): number;
  measure(server: RunningServer, ctx: RunContext): Promise<Measurement>;
}
