export { createLandingSensor, type LandingSensor } from './landing-sensor.js';
