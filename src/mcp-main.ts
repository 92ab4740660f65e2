import { runMcpStdio } from './mcp.js';

void runMcpStdio();
