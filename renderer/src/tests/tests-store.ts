/**
 * State of the Tests panel, apart from the document store: the test file's tests, the last results,
 * and the nodes that ran in failing tests (marked on the canvas by TestMarks).
 */
import { create } from 'zustand';
import type { FlowTestRun, FlowTestsInfo } from '../../../runtime/studio/protocol.ts';

export interface TestsState {
  info: FlowTestsInfo | undefined;
  results: Record<string, FlowTestRun>;
  running: boolean;
  /** Nodes that ran during a test that failed. */
  failedNodes: string[];
  set(patch: Partial<TestsState>): void;
}

export const useTests = create<TestsState>((set) => ({
  info: undefined,
  results: {},
  running: false,
  failedNodes: [],
  set: (patch) => set(patch),
}));
