export { nextFire, runSchedules, type Schedule } from './cron-schedule.js';
