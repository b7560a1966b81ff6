const T=()=>Number(process.hrtime.bigint())/1e6;
require('cdk8s-plus-27');
const { VARIANTS } = require('./build/charts'); const {App,Chart}=require('cdk8s');
const vm=require('./build/lib/core/validation-memo');
const D=require('./build/lib/doctor/declarations'); const NP=require('./build/lib/doctor/network-policy-model'); const PS=require('./build/lib/doctor/pod-security'); const R=require('./build/lib/doctor/references'); const AL=require('./build/lib/doctor/api-limits');
const agg={}; const add=(k,a)=>agg[k]=(agg[k]||0)+T()-a;
for (const v of VARIANTS){ const app=new App(); v.build(app);
 let a=T(); const objs=app.charts.flatMap(c=>vm.manifestsOf(c)); add('toJson',a);
 a=T(); const decl=D.DoctorDeclarations.of(app); const conns=decl.expectedConnections(); add('decl',a);
 a=T(); const model=new NP.NetworkPolicyModel(objs.map(o=>o.manifest)); const pods=model.podEndpoints(); add('npmodel',a);
 a=T(); for (const c of conns) { if (c.from.kind==='pods'&&c.to.kind==='pods'){ const f=pods.find(p=>p.namespace===c.from.namespace&&Object.entries(c.from.selector).every(([k,v])=>p.labels[k]===v)); const t=pods.find(p=>p.namespace===c.to.namespace&&Object.entries(c.to.selector).every(([k,v])=>p.labels[k]===v)); if(f&&t) model.isAllowed(f,t,c.port,c.protocol);} } add('isAllowed x'+conns.length,a);
 a=T(); for (const o of objs) for (const p of PS.podSpecsOf([o.manifest])) PS.checkRestricted(p.spec,p.metadata); add('podsec',a);
 a=T(); for (const o of objs){R.providedBy(o.manifest);R.referencesOf(o.manifest);} add('refs',a);
 a=T(); for (const o of objs) AL.apiLimitProblems(o.manifest); add('apilimits',a);
 a=T(); const errs=[]; for (const child of app.node.findAll()) for (const e of child.node.validate()) errs.push(e); add('fullvalidate(memo)',a);
}
console.log(Object.entries(agg).map(([k,v])=>v.toFixed(1)+' '+k).join('\n'));
