/**
 * The rdp-gateway's `passthrough.app.config.yaml`, as the official chart mounts it over the image's own
 * (https://github.com/kasmtech/kasm-helm: `charts/kasm/templates/rdp-gateway-deployment.yaml@00b104b` mounts it for
 * 1.18.1; its content is `charts/kasm-helm/templates/rdp-gateway-configmap.yaml@c3bce21`, the 1.1190.x chart, since
 * the 1.1181.x ConfigMap template is not in the public index). The upper-case words are placeholders the image's
 * start-up fills from its env (REGISTRATION_TOKEN, SERVER_ZONE_NAME, ...), as in the chart.
 */
import * as yaml from 'js-yaml';
import type { ConfigFileContract } from './component-types';

/** Where the rdp-gateway image reads its configuration. */
export const RDP_GATEWAY_CONFIG_PATH = '/usr/local/etc/rdpproxy/conf/passthrough.app.config.yaml';

/** One rotating log file of the gateway. */
const logFile = (filename: string, formatter: string) => ({
  backupCount: 5,
  class: 'logging.handlers.RotatingFileHandler',
  encoding: 'utf8',
  filename: `/opt/kasm/current/log/${filename}`,
  formatter,
  level: 'DEBUG',
  maxBytes: 10485760,
});

/** The configuration as data, in the chart's key order. */
export const RDP_GATEWAY_PASSTHROUGH = {
  'rdp-gateway': {
    id: '00000000-0000-0000-0000-000000000000',
    server_address: 'SERVER_ADDRESS',
    server_port: 'SERVER_PORT',
    proxy_port: 3389,
    zone: 'ZONE',
    registration_token: 'REGISTRATION_TOKEN',
    number_of_threads: 10,
    kasm_delete_session_watch_interval: 60,
    forward_logs_to_manager: true,
    keepalive_loop_interval: 30,
  },
  api: {
    auth_token: 'JWTTOKEN',
    public_jwt_cert: 'PUBLICCERT',
    hostnames: ['APIHOSTNAME'],
    port: 'SERVER_PORT',
    hostname_refresh_interval: 30,
    schema: 'http',
  },
  logging: {
    'rdp-gateway': {
      formatters: {
        pythonjsonlogger: {
          '()': 'pythonjsonlogger.jsonlogger.JsonFormatter',
          fmt: '%(asctime) %(name) %(processName) %(filename)  %(funcName) %(levelname) %(lineno) %(module) %(threadName) %(message)',
          timestamp: true,
        },
        standard: { format: '%(asctime)s [%(levelname)s] %(name)s: %(message)s' },
      },
      handlers: {
        file_handler: logFile('rdp_gateway.log', 'standard'),
        file_handler_json: logFile('rdp_gateway_json.log', 'pythonjsonlogger'),
        stream: { class: 'logging.StreamHandler', formatter: 'standard', level: 'DEBUG' },
        syslog: { class: 'logging.handlers.SysLogHandler', formatter: 'pythonjsonlogger', level: 'DEBUG' },
      },
      loggers: {
        '': { handlers: ['stream', 'syslog'], level: 'DEBUG', propagate: true },
        tornado: { level: 'INFO' },
      },
      version: 1,
    },
  },
} as const;

/** The file entry of a release's rdp-gateway. */
export function rdpGatewayConfigFile(): ConfigFileContract {
  return { path: RDP_GATEWAY_CONFIG_PATH, content: yaml.dump(RDP_GATEWAY_PASSTHROUGH, { lineWidth: -1, noRefs: true, sortKeys: false }) };
}
