import { useSyncExternalStore } from 'react';
import { getSession, onSessionChange, type Session } from './session';

export const useSession = (): Session | null => useSyncExternalStore(onSessionChange, getSession);
