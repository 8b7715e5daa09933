"""Seed the search's domain words: synonym sets (交换机 = switch; 宕机 = 死机 = down) and the
dictionary words jieba must keep whole (光模块, 链路聚合, 告警灯). General words of the
after-sales trade, not tailored to any query; admins edit both lists later. Copied here on
purpose: a migration keeps its meaning when code changes.
"""

from django.core.cache import cache
from django.db import migrations

# Each set's first word is the key the others are indexed under (kb.text.normalize).
# English phrases are left out: the tokenizer cuts ASCII text into single words.
SYNONYMS = [
    "交换机, switch, 交换设备",
    "路由器, router",
    "防火墙, firewall",
    "服务器, server",
    "存储, storage, 存储阵列, 磁盘阵列",
    "光模块, sfp, transceiver, 光收发模块",
    "电源, power, psu, 电源模块",
    "风扇, fan, 风扇模块",
    "固件, firmware, 系统软件",
    "升级, upgrade, update",
    "宕机, 死机, down, 挂了, 挂死, crash",
    "掉线, 断线, 断开, disconnect, 断连",
    "开不了机, 无法开机, 不开机, 不能开机, 开机没反应, 无法上电",
    "重启, reboot, reload, 复位",
    "告警, 报警, alarm, alert",
    "硬盘, 磁盘, disk, hdd",
    "内存, memory, dimm, 内存条",
    "网卡, nic, 网络适配器",
    "端口, 接口, port, interface, 网口",
    "光纤, fiber, fibre",
    "网线, 双绞线",
    "指示灯, 告警灯, 状态灯, led",
    "闪烁, 闪动, blinking",
    "无线, wifi, wi-fi, wlan, 无线网",
    "ap, 接入点, 无线接入点",
    "无线控制器, ac",
    "控制器, controller",
    "堆叠, stack, stacking, istack",
    "链路聚合, 端口聚合, eth-trunk, lacp",
    "license, 许可证, 授权文件, licence",
    "密码, password, 口令",
    "登录, 登陆, login, 登入",
    "配置, config, configuration",
    "日志, log, logs",
    "丢包, 掉包",
    "网速慢, 网络慢, 网慢",
    "卡顿, 很卡",
    "断网, 网络中断, 上不了网, 不能上网, 网络断了",
    "虚拟机, vm",
    "数据库, database",
    "备份, backup",
    "快照, snapshot",
    "恢复出厂, 恢复出厂设置, 出厂设置",
    "保修, warranty, 质保",
    "维保, 维保服务, 维护合同",
    "备件, spare, 备品备件, 配件",
    "返修, rma",
    "工单, ticket, 服务请求",
    "上门, 现场服务, onsite, 到场",
    "视频会议, 视讯, 视频会议系统",
    "摄像头, 摄像机, camera",
    "麦克风, 话筒, microphone, mic",
    "扬声器, 音箱, 喇叭, speaker",
    "回声, 回音, echo",
    "声音, 音频, audio",
    "听不到, 听不见, 没声音, 无声音",
    "坐席, 座席, agent, 话务员",
    "呼叫中心, 客服中心, 联络中心",
    "录音, recording",
    "振铃, 响铃",
    "单通, one-way, 单向通话",
    "ups, 不间断电源",
    "电池, battery, 蓄电池",
    "旁路, bypass",
    "过载, overload, 超载",
    "停电, 断电, 掉电, 市电中断",
    "过温, 温度过高, 高温, 过热, overheat",
    "噪音, 噪声, noise",
    "收光, 收光功率, 接收光功率",
    "发光功率, 发送光功率",
    "单模, single-mode, singlemode",
    "多模, multimode, multi-mode",
    "双机热备, 热备, ha",
    "切换, 倒换, switchover, failover",
    "补丁, patch, hotfix",
    "漏洞, vulnerability, cve",
    "限速, 限流",
    "网关, gateway",
    "地址冲突, ip冲突, ip地址冲突",
    "无法识别, 识别不到, 不识别",
    "连不上, 连接不上, 无法连接, 连接失败",
    "打不开, 无法访问, 访问不了, 不能访问",
    "蓝屏, bsod",
    "收集日志, 日志收集, 一键收集",
    "超时, timeout",
    "证书, certificate, cert",
    "时间同步, ntp, 对时",
    "巡检, inspection, 健康检查",
    "更换, 替换, replace, replacement",
    "安装, install, installation",
    "网管, nms, 网管平台",
    "主控板, mpu, 主控",
    "带宽, bandwidth",
    "时延, 延迟, latency",
    "故障, 坏了, 坏掉, 损坏, fault, faulty",
]

# Product and component names jieba would cut into pieces (光模块 → 光 / 模块).
WORDS = [
    "光模块", "堆叠", "链路聚合", "告警灯", "指示灯", "收光功率", "发光功率", "风扇模块",
    "电源模块", "主控板", "业务板", "双机热备", "热插拔", "巨型帧", "多主检测", "广播风暴",
    "环路检测", "单纤双向", "光衰减器", "衰减器", "配线架", "法兰盘", "光纤端面", "跳线",
    "阵列卡", "超级电容", "慢盘", "热备盘", "硬盘框", "控制框", "存储池", "多路径",
    "表空间", "归档日志", "主从复制", "坐席", "签入", "示忙", "振铃", "单通", "中继",
    "来电弹屏", "外呼", "辅流", "回声抵消", "后备时间", "蓄电池", "空开", "市电", "油机",
    "开不了机", "宕机", "掉线", "网管卡", "部件编码", "备件", "维保", "过保", "续保",
    "先行更换", "虚拟电缆测试", "端口镜像", "风暴抑制", "根桥", "误码", "错包", "闪断",
    "光功率", "收光", "单模", "多模", "无线控制器", "漫游", "双活", "仲裁", "重删", "磁带库",
    "备份一体机", "旁路", "过载", "过温", "降频", "一键收集", "远程控制台", "网卡绑定",
    "光口", "电口",
]


def seed(apps, schema_editor):
    SynonymSet = apps.get_model("kb", "SynonymSet")
    DictionaryWord = apps.get_model("kb", "DictionaryWord")
    for terms in SYNONYMS:
        SynonymSet.objects.get_or_create(terms=terms)
    for word in WORDS:
        DictionaryWord.objects.get_or_create(word=word)
    # The lexicon cache holds the lists by version (kb.text); forget it so the next search
    # and the next indexing read the seeded words.
    cache.delete("kb:lexicon:version")


def unseed(apps, schema_editor):
    apps.get_model("kb", "SynonymSet").objects.filter(terms__in=SYNONYMS).delete()
    apps.get_model("kb", "DictionaryWord").objects.filter(word__in=WORDS).delete()
    cache.delete("kb:lexicon:version")


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
