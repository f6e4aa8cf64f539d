import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StackmedicMetrics } from './metrics.js';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/** Answers GET /metrics in Prometheus' text exposition format; a failing collector is a 500, never a crash. */
export function metricsHandler(metrics: StackmedicMetrics): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    metrics.text().then(
      (text) => {
        res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`stackmedic could not collect its metrics: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  };
}
