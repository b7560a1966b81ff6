const T=()=>Number(process.hrtime.bigint())/1e6;
require('cdk8s-plus-27');
const { VARIANTS } = require('./build/charts'); const {App}=require('cdk8s');
const vm=require('./build/lib/core/validation-memo');
const agg={};
for (const v of VARIANTS){ const app=new App(); v.build(app);
 for (const c of app.charts) vm.forgetManifests(c);
 for (const child of app.node.findAll()) { const vs = child.node._validations || child.node.validations; 
   for (const val of (child.node['_validations']||[])) { const a=T(); val.validate(); const k=child.constructor.name+':'+(val.constructor.name); agg[k]=(agg[k]||0)+T()-a; } } }
console.log(Object.entries(agg).sort((a,b)=>b[1]-a[1]).slice(0,20).map(([k,v])=>v.toFixed(1)+' '+k).join('\n'));
