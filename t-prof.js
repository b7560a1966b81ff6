const t0 = process.hrtime.bigint();
const ms = () => (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0);
require('/work/main/node_modules/cdk8s-plus-27'); console.error('plus', ms());
require('/work/main/build/charts'); console.error('charts', ms());
require('/work/main/build/lib/gitops/dist-writer'); console.error('distwriter', ms());
require('/work/main/build/lib/values/variant'); console.error('values', ms());
const { synthVariants } = require('/work/main/build/lib/gitops/dist-writer');
const { VARIANTS } = require('/work/main/build/charts');
synthVariants(VARIANTS, '/tmp/o'); console.error('synth', ms());
