"""The deployment artefacts, tested as far as a machine without a Docker engine or AWS allows:

- docker/demo/windows_client.py, the compose demo's client, run against the real devoguard
  (with docker/demo/devoguard.yaml, addresses moved to loopback) and unbound serving
  docker/demo/upstream/local-data.conf: it exits 0, and the test checks on its own that no
  devolved name reached unbound; against a devoguard without the `devolved` rule it exits 1;
- docker/Dockerfile read instruction by instruction: two debian:bookworm-slim stages, the
  runtime one non-root with the capability, HEALTHCHECK `devoguard healthcheck`, no HTTP client;
- docker/compose.yaml's structure (addresses, capabilities, health dependency, client command);
- deploy/aws/devoguard.yaml: the devoguard configuration its user data renders, with sample
  parameters, passes `devoguard check`; the CloudWatch agent ships exactly its decision log;
  security group, instances in two subnets, IMDSv2, conditional DHCP options;
- every configuration shipped in docker/ and conf/ passes `devoguard check`.
(cfn-lint is not a Debian package: ctest runs it as the test `cfn_lint` where it is installed.)"""
import glob
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from harness.devoguard import SOURCE_DIR, run_command
from harness.unbound import Unbound

DOCKER = os.path.join(SOURCE_DIR, "docker")
DEMO = os.path.join(DOCKER, "demo")
CLIENT = os.path.join(DEMO, "windows_client.py")
TEMPLATE = os.path.join(SOURCE_DIR, "deploy", "aws", "devoguard.yaml")
SUFFIX = "example.co.jp"


@pytest.fixture(scope="module")
def demo_upstream(tmp_path_factory):
    """unbound with the compose demo's upstream data, on a loopback port."""
    u = Unbound(tmp_path_factory.mktemp("demo-upstream"),
                os.path.join(DEMO, "upstream", "local-data.conf"))
    yield u
    u.stop()


def demo_config(upstream_server):
    """docker/demo/devoguard.yaml with the harness's listener, clients and decision log, and
    both groups pointed at the loopback unbound instead of 172.30.53.2."""
    with open(os.path.join(DEMO, "devoguard.yaml")) as f:
        config = yaml.safe_load(f)
    for key in ("listen", "threads", "clients", "decision_log", "metrics"):
        config.pop(key)
    assert set(config["upstreams"]) == {"dc", "aws"}
    for g in config["upstreams"].values():
        assert g["servers"] == ["172.30.53.2"]
        g["servers"] = [upstream_server]
    return config


def run_client(dg, upstream, *extra):
    return subprocess.run(
        [sys.executable, CLIENT, "--server", "127.0.0.1", "--port", str(dg.port),
         "--suffix", SUFFIX, "--upstream-log", upstream.log_path, "--decision-log", dg.log_path,
         "--wait", "5", "--timeout", "2", *extra],
        capture_output=True, text=True, timeout=60)


def test_demo_client_proves_devolved_names_never_reach_the_upstream(demo_upstream, devoguard):
    demo_upstream.mark()
    dg = devoguard(demo_config(demo_upstream.server))
    r = run_client(dg, demo_upstream, "--probes", "3")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FAIL" not in r.stdout
    assert "none of the 4 devolved names arrived" in r.stdout, r.stdout
    # The same proof, independently of the script: what devoguard decided, what unbound saw.
    devolved = [d for d in dg.decisions() if d.get("rule") == "devolved"]
    assert len(devolved) == 4, devolved
    names = {d["qname"] for d in devolved}
    assert "dglvrrerxokcxc.co.jp" in names
    assert all(d["action"] == "nxdomain" and d["devolved_from"] == d["qname"].replace(
        ".co.jp", f".{SUFFIX}") for d in devolved), devolved
    seen = demo_upstream.seen_names()
    assert f"dglvrrerxokcxc.{SUFFIX}" in seen and f"dc01.{SUFFIX}" in seen
    assert "realshop.co.jp" in seen
    assert not names & set(seen), names & set(seen)


def test_demo_client_fails_when_devolved_names_are_forwarded(demo_upstream, devoguard):
    # Without the `devolved` rule devoguard forwards P.co.jp: the client must say so, exit 1.
    demo_upstream.mark()
    config = demo_config(demo_upstream.server)
    config["rules"] = [r for r in config["rules"] if r["name"] != "devolved"]
    dg = devoguard(config)
    r = run_client(dg, demo_upstream, "--probes", "1", "--seed", "7")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAIL  dglvrrerxokcxc.co.jp A -> NXDOMAIN" in r.stdout, r.stdout
    assert "leaked: dglvrrerxokcxc.co.jp" in r.stdout, r.stdout
    assert "dglvrrerxokcxc.co.jp" in demo_upstream.seen_names()


# ---- Dockerfile ------------------------------------------------------------------------------

def dockerfile_stages(path):
    """[(FROM line, [(INSTRUCTION, arguments)])] with continuation lines joined."""
    text = open(path).read()
    text = re.sub(r"\\\n", " ", text)
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, args = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            stages.append((args.strip(), []))
        else:
            assert stages, f"{instruction} before FROM"
            stages[-1][1].append((instruction, args.strip()))
    return stages


def test_dockerfile_two_slim_stages_non_root_healthcheck_no_http_client():
    stages = dockerfile_stages(os.path.join(DOCKER, "Dockerfile"))
    assert [s[0] for s in stages] == ["debian:bookworm-slim AS build",
                                      "debian:bookworm-slim AS runtime"]
    build, runtime = dict(stages)["debian:bookworm-slim AS build"], stages[1][1]
    build_run = " ".join(a for i, a in build if i == "RUN")
    assert "cmake" in build_run and "ldd" in build_run and "dpkg -S" in build_run
    assert ("ARG", "RUN_TESTS=0") in build

    def only(name):
        values = [a for i, a in runtime if i == name]
        assert len(values) == 1, f"runtime stage: {name} {values}"
        return values[0]
    user = only("USER")
    assert user == "10053:10053" and not user.startswith(("0", "root"))
    assert only("HEALTHCHECK") == ("--interval=10s --timeout=3s --start-period=5s --retries=3 "
                                   'CMD ["devoguard","healthcheck"]')
    assert only("EXPOSE").split() == ["53/udp", "53/tcp", "9153/tcp"]
    assert only("STOPSIGNAL") == "SIGTERM"
    assert json.loads(only("ENTRYPOINT")) == ["devoguard"]
    assert json.loads(only("CMD")) == ["run", "-c", "/etc/devoguard/devoguard.yaml"]
    runtime_run = " ".join(a for i, a in runtime if i == "RUN")
    assert "setcap cap_net_bind_service=+p /usr/local/bin/devoguard" in runtime_run
    assert "apt-get purge -y --auto-remove libcap2-bin" in runtime_run
    assert "--uid 10053" in runtime_run and "--gid 10053" in runtime_run
    # No HTTP client installed or used in the image that runs.
    runtime_text = " ".join(f"{i} {a}" for i, a in runtime)
    for client in ("curl", "wget", "libcurl"):
        assert not re.search(rf"\b{client}\b", runtime_text), f"{client} in the runtime stage"
    # The build stage copies the tree: build directories and history stay out of the context.
    ignored = open(os.path.join(SOURCE_DIR, ".dockerignore")).read().split()
    assert {".git", "build", "build-*"} <= set(ignored), ignored
    # The image's files exist where COPY takes them from.
    for i, a in runtime + build:
        if i == "COPY" and not a.startswith("--from"):
            for src in a.split()[:-1]:
                assert os.path.exists(os.path.join(SOURCE_DIR, src)), src


def test_compose_demo_structure():
    with open(os.path.join(DOCKER, "compose.yaml")) as f:
        compose = yaml.safe_load(f)
    services = compose["services"]
    assert set(services) == {"upstream", "devoguard", "client"}
    assert compose["networks"]["demo"]["ipam"]["config"] == [{"subnet": "172.30.53.0/24"}]
    address = {name: s["networks"]["demo"]["ipv4_address"] for name, s in services.items()}
    assert address["upstream"] == "172.30.53.2" and address["devoguard"] == "172.30.53.53"
    dg = services["devoguard"]
    assert dg["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
    assert dg["cap_drop"] == ["ALL"] and dg["cap_add"] == ["NET_BIND_SERVICE"]
    assert dg["read_only"] is True
    assert dg["healthcheck"]["test"] == ["CMD", "devoguard", "healthcheck"]
    assert "./demo/devoguard.yaml:/etc/devoguard/devoguard.yaml:ro" in dg["volumes"]
    client = services["client"]
    assert client["depends_on"] == {"devoguard": {"condition": "service_healthy"}}
    assert "--server=172.30.53.53" in client["command"]
    assert f"--suffix={SUFFIX}" in client["command"]
    # The logs the client proves things with are the volumes the others write.
    assert "upstream-log:/var/log/unbound" in services["upstream"]["volumes"]
    assert "devoguard-log:/var/log/devoguard" in dg["volumes"]
    assert "--upstream-log=/logs/upstream/unbound.log" in client["command"]
    assert "--decision-log=/logs/devoguard/decisions.jsonl" in client["command"]
    demo = yaml.safe_load(open(os.path.join(DEMO, "devoguard.yaml")))
    assert demo["decision_log"]["path"] == "/var/log/devoguard/decisions.jsonl"
    upstream_conf = open(os.path.join(DEMO, "upstream", "unbound.conf")).read()
    assert "log-queries: yes" in upstream_conf
    assert 'logfile: "/var/log/unbound/unbound.log"' in upstream_conf
    for name, s in services.items():
        dockerfile = os.path.join(SOURCE_DIR, s["build"]["dockerfile"])
        assert os.path.exists(dockerfile), name
        assert all(st[0].startswith("debian:bookworm-slim")
                   for st in dockerfile_stages(dockerfile)), name


# ---- CloudFormation --------------------------------------------------------------------------

class CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms: !Ref X → {"Ref": X}, !Sub s → {"Fn::Sub": s}…"""


def _cfn_tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _cfn_tag)

SAMPLE = {"VpcCidr": "10.0.0.0/16", "AdSuffixes": "example.co.jp,corp.example.com",
          "DcAddresses": "10.0.0.10,10.0.1.10", "ImageUri":
          "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/devoguard:0.1.0",
          "AWS::StackName": "devoguard-test", "AWS::Region": "ap-northeast-1",
          "DecisionLogGroup": "/devoguard/decisions"}


@pytest.fixture(scope="module")
def template():
    with open(TEMPLATE) as f:
        return yaml.load(f, Loader=CfnLoader)


def user_data(template):
    data = template["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    return data["UserData"]["Fn::Base64"]["Fn::Sub"]


def heredoc(script, name):
    """The text of the heredoc between `# BEGIN name` and `# END name`."""
    block = script.split(f"# BEGIN {name}\n", 1)[1].split(f"# END {name}\n", 1)[0]
    lines = block.splitlines()
    assert lines[0].endswith("<<EOF") and lines[-1] == "EOF", (lines[0], lines[-1])
    return "\n".join(lines[1:-1]) + "\n"


def render(text, private_ip="10.0.0.53"):
    """Fn::Sub with the sample parameters, then the shell's $PRIVATE_IP (unquoted heredoc)."""
    def sub(m):
        assert m.group(1) in SAMPLE, f"${{{m.group(1)}}} has no sample value"
        return SAMPLE[m.group(1)]
    text = re.sub(r"\$\{([A-Za-z0-9:]+)\}", sub, text)
    text = text.replace("$PRIVATE_IP", private_ip)
    assert "$" not in text, "a shell expansion left in the heredoc: " + text
    return text


def test_cloudformation_user_data_config_passes_check(template, binary, tmp_path):
    script = user_data(template)
    # Every ${X} of Fn::Sub is a parameter, a resource or a pseudo parameter.
    known = set(template["Parameters"]) | set(template["Resources"]) | {
        "AWS::StackName", "AWS::Region", "AWS::Partition", "AWS::AccountId"}
    for name in re.findall(r"\$\{([A-Za-z0-9:]+)\}", script):
        assert name in known, name
    config_text = render(heredoc(script, "devoguard.yaml"))
    path = tmp_path / "devoguard.yaml"
    path.write_text(config_text)
    r = run_command(["check", "-c", str(path)])
    assert r.returncode == 0, r.stderr
    assert "listen: 10.0.0.53:53 (udp+tcp)" in r.stdout, r.stdout
    assert "ad: 10.0.0.10:53, 10.0.1.10:53" in r.stdout, r.stdout
    assert "aws: 169.254.169.253:53" in r.stdout, r.stdout
    assert "suffix example.co.jp -> devolution parents: co.jp (public suffix)" in r.stdout
    assert "suffix corp.example.com -> devolution parents: example.com" in r.stdout
    config = yaml.safe_load(config_text)
    assert config["upstreams"]["aws"]["servers"] == ["169.254.169.253"]  # never `system`
    assert config["clients"]["allow"] == ["10.0.0.0/16", "127.0.0.0/8"]
    assert [rule["name"] for rule in config["rules"]] == ["ad-zones", "devolved", "default"]

    # The CloudWatch agent ships exactly the decision log, one stream per instance.
    agent = json.loads(render(heredoc(script, "amazon-cloudwatch-agent.json")))
    (entry,) = agent["logs"]["logs_collected"]["files"]["collect_list"]
    assert entry["file_path"] == config["decision_log"]["path"]
    assert entry["log_group_name"] == SAMPLE["DecisionLogGroup"]
    assert entry["log_stream_name"] == "{instance_id}"
    assert "--network host" in script and "--cap-add NET_BIND_SERVICE" in script
    assert "--cap-drop ALL" in script and "curl" not in config_text


def test_cloudformation_resources(template):
    res = template["Resources"]
    p = template["Parameters"]
    for name in ("VpcId", "VpcCidr", "SubnetA", "SubnetB", "PrivateIpA", "PrivateIpB",
                 "AdSuffixes", "DcAddresses", "ImageUri", "InstanceType", "AmiId",
                 "MetricsCidr", "LogRetentionDays", "AssociateDhcpOptions"):
        assert name in p, name
    assert p["InstanceType"]["Default"] == "t3.small"
    assert p["LogRetentionDays"]["Default"] == 90
    assert p["AssociateDhcpOptions"]["Default"] == "false"
    assert p["AmiId"]["Type"] == "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"

    ingress = {(r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIp"]["Ref"])
               for r in res["SecurityGroup"]["Properties"]["SecurityGroupIngress"]}
    assert ingress == {("udp", 53, 53, "VpcCidr"), ("tcp", 53, 53, "VpcCidr"),
                       ("tcp", 9153, 9153, "MetricsCidr")}
    instances = [r for r in res.values() if r["Type"] == "AWS::EC2::Instance"]
    assert len(instances) == 2
    assert {i["Properties"]["SubnetId"]["Ref"] for i in instances} == {"SubnetA", "SubnetB"}
    assert {i["Properties"]["PrivateIpAddress"]["Ref"] for i in instances} == {
        "PrivateIpA", "PrivateIpB"}
    lt = res["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert lt["MetadataOptions"]["HttpTokens"] == "required"
    policies = " ".join(str(a) for a in res["Role"]["Properties"]["ManagedPolicyArns"])
    for policy in ("CloudWatchAgentServerPolicy", "AmazonSSMManagedInstanceCore",
                   "AmazonEC2ContainerRegistryReadOnly"):
        assert policy in policies, policy
    assert res["DecisionLogGroup"]["Properties"]["LogGroupName"] == "/devoguard/decisions"
    mf = res["DevolvedMetricFilter"]["Properties"]
    assert mf["FilterPattern"] == '{ $.rule = "devolved" }'
    assert (mf["MetricTransformations"][0]["MetricNamespace"],
            mf["MetricTransformations"][0]["MetricName"]) == ("devoguard", "Devolved")
    for name in ("DhcpOptions", "DhcpOptionsAssociation"):
        assert res[name]["Condition"] == "WithDhcpOptions", name
    dhcp = res["DhcpOptions"]["Properties"]
    assert dhcp["DomainNameServers"] == [{"Ref": "PrivateIpA"}, {"Ref": "PrivateIpB"}]
    assert template["Conditions"]["WithDhcpOptions"] == {
        "Fn::Equals": [{"Ref": "AssociateDhcpOptions"}, "true"]}
    assert {"DnsAddressA", "DnsAddressB", "DecisionLogGroup"} <= set(template["Outputs"])


# ---- every shipped configuration -------------------------------------------------------------

SHIPPED = sorted(glob.glob(os.path.join(SOURCE_DIR, "conf", "*.yaml")) +
                 glob.glob(os.path.join(SOURCE_DIR, "conf", "examples", "*.yaml")) +
                 [os.path.join(DOCKER, "devoguard.yaml"), os.path.join(DEMO, "devoguard.yaml")])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: os.path.relpath(p, SOURCE_DIR))
def test_shipped_config_passes_check(path, tmp_path):
    # `system` upstreams read resolv.conf: give them one, whatever this machine has.
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 192.0.2.53\n")
    r = run_command(["check", "-c", path], env={"DEVOGUARD_RESOLV_CONF": str(resolv)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{path}: configuration is valid\n"), r.stdout
