export { startDaemon, type Daemon, type DaemonLogger, type DaemonOptions, type DaemonTrigger } from './daemon.js';
