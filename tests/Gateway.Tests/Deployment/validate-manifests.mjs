// Validates the built-in Kubernetes objects of a rendered manifest file against the Kubernetes API schemas of the npm
// package kubernetes-models (KubernetesSchemas.cs runs it):
//   node validate-manifests.mjs PACKAGES FILE.yaml
// PACKAGES is where this folder's package.json and package-lock.json were installed. Prints one JSON line per object,
// {"object", "apiVersion", "verdict": "valid" | "invalid" | "not-judged", "errors"}, and exits 1 if one is invalid.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [packages, file] = process.argv.slice(2);
const models = join(packages, "node_modules", "kubernetes-models");
const { parseAllDocuments } = createRequire(join(packages, "package.json"))("yaml");

// Kubernetes reads manifests as YAML 1.1 (sigs.k8s.io/yaml): "yes" is a boolean and 0440 an octal number there.
const documents = parseAllDocuments(readFileSync(file, "utf8"), { version: "1.1" });
let invalid = 0;
for (const document of documents.filter(d => d.contents !== null || d.errors.length > 0)) {
  const verdict = await judge(document);
  invalid += verdict.verdict === "invalid" ? 1 : 0;
  console.log(JSON.stringify(verdict));
}
process.exit(invalid === 0 ? 0 : 1);

async function judge(document) {
  const object = (document.errors.length === 0 && document.toJS()) || {};
  const { apiVersion = "", kind = "" } = object;
  const report = (verdict, errors = []) => ({ object: `${kind}/${object.metadata?.name}`, apiVersion, verdict, errors });
  if (document.errors.length > 0) {
    return report("invalid", document.errors.map(e => e.message));
  }

  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (!/^([a-z0-9-]+(\.[a-z0-9-]+)*)?$/.test(group) || !/^[A-Za-z]+$/.test(kind)) {
    return report("invalid", [`not a Kubernetes apiVersion and kind: ${apiVersion} ${kind}`]);
  }

  // Kubernetes' own groups: the core group, the dotless ones (apps, policy, ...) and the *.k8s.io groups the package
  // models. A custom resource's group has a dot (monitoring.coreos.com): not judged here, its tests read it.
  if (group.includes(".") && !existsSync(join(models, group))) {
    return report("not-judged");
  }

  // The package keeps the schemas of API versions that Kubernetes has since removed (policy/v1beta1, extensions/...):
  // only stable versions, which are never removed, are sure to be served by Kubernetes 1.30 and later.
  if (!/^v\d+$/.test(version)) {
    return report("invalid", [`${apiVersion} is not a stable API version: Kubernetes 1.30 and later may not serve it`]);
  }

  const model = join(models, group, version, `${kind}.js`);
  if (!existsSync(model)) {
    return report("invalid", [`kubernetes-models has no ${kind} in ${apiVersion}`]);
  }

  const Model = (await import(pathToFileURL(model).href))[kind];
  try {
    new Model(object).validate();
    return report("valid");
  } catch (error) {
    return report("invalid", [error.message]);
  }
}
