/**
 * The designer's services and commands, created once at startup (main.tsx) and handed to
 * components through React context instead of module-level singletons.
 */
import { createContext, useContext } from 'react';
import type { Commands } from './commands.ts';
import type { Desktop } from './desktop.ts';
import type { Services } from './services/index.ts';
import type { VisibleArea } from './canvas/place.ts';

export interface AppContextValue {
  services: Services;
  commands: Commands;
  desktop: Desktop | undefined;
  /** Filled in by the canvas: the flow position at the middle of the visible canvas, and what it shows. */
  view: { center: () => { x: number; y: number }; visible: () => VisibleArea | undefined };
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('designer components need <AppContext.Provider> (main.tsx)');
  return value;
}

export const useServices = (): Services => useApp().services;
export const useCommands = (): Commands => useApp().commands;
export const useView = (): AppContextValue['view'] => useApp().view;
export const useDesktop = (): Desktop | undefined => useApp().desktop;
