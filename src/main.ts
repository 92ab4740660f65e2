// The server process: `npm start`, `npm run dev` and the container's entrypoint run this file
// (`memtrace serve` runs the same `serve`).
import 'reflect-metadata';
import { serve } from './server-process.js';

void serve();
