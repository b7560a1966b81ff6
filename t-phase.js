const T=()=>Number(process.hrtime.bigint())/1e6; const t0=T();
require('cdk8s-plus-27'); const t1=T();
const { VARIANTS } = require('./build/charts'); const {App,YamlOutputType}=require('cdk8s');
const rf = require('./build/lib/gitops/render-files'); const t2=T();
const out={};
for (const v of VARIANTS){ const a=T(); const app=new App({yamlOutputType:YamlOutputType.FILE_PER_RESOURCE,outputFileExtension:'.yaml'}); v.build(app); const b=T();
 const charts=app.charts; for (const c of charts) require('./build/lib/core/validation-memo').forgetManifests(c);
 const errs=[]; for (const child of app.node.findAll()) for (const e of child.node.validate()) errs.push(e); const c=T();
 const docs=charts.flatMap(ch=>require('./build/lib/core/validation-memo').manifestsOf(ch).map(o=>o.manifest)); const d=T();
 const my=require('./build/lib/gitops/manifest-yaml'); const texts=docs.map(x=>my.manifestYaml(x)); const e=T();
 out[v.name]=[b-a,c-b,d-c,e-d].map(x=>x.toFixed(1)).join(' ');}
const t3=T();
const {synthVariants}=require('./build/lib/gitops/dist-writer'); synthVariants(VARIANTS,'/tmp/o2'); const t4=T();
console.log('plus',(t1-t0).toFixed(0),'load',(t2-t1).toFixed(0),'variants(build validate toJson yaml)',JSON.stringify(out),'total',(t3-t2).toFixed(0),'second full synth',(t4-t3).toFixed(0));
