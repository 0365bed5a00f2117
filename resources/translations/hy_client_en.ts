<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="166"/>
        <source>无法启动</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/i18n.py" line="39"/>
        <source>衡阳市公共资源交易系统 投标人客户端</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BindingPage</name>
    <message>
        <location filename="../../ui/pages/binding.py" line="31"/>
        <source>绑定“标证通”手机APP后，可在登录窗口使用“扫码登录”。点击“开始绑定”，用APP扫描下方二维码并在手机上确认。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="37"/>
        <source>开始绑定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="42"/>
        <source>解除绑定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="49"/>
        <source>标证通绑定</source>
        <translation type="unfinished">Biaozhengtong app</translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="55"/>
        <source>已绑定的手机</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="73"/>
        <source>{name}（绑定于 {when}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="74"/>
        <source>手机</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="84"/>
        <source>正在获取二维码…</source>
        <translation type="unfinished">Getting a QR code…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="98"/>
        <location filename="../../ui/pages/binding.py" line="105"/>
        <source>请用“标证通”APP扫描二维码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="101"/>
        <source>已扫描，请在手机上确认绑定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="102"/>
        <location filename="../../ui/pages/binding.py" line="110"/>
        <source>绑定成功</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="103"/>
        <source>已在手机上拒绝</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="104"/>
        <source>二维码已失效，正在刷新…</source>
        <translation type="unfinished">The QR code expired, refreshing…</translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="119"/>
        <source>已停止绑定</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/binding.py" line="121"/>
        <source>{message}（{code}）</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CertificatePanel</name>
    <message>
        <location filename="../../ui/widgets/cert.py" line="13"/>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="14"/>
        <source>即将到期</source>
        <translation>Expiring soon</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="15"/>
        <source>已过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="16"/>
        <source>尚未生效</source>
        <translation>Not yet valid</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="17"/>
        <source>无法解析</source>
        <translation>Unreadable</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="43"/>
        <source>（已过期 {n} 天）</source>
        <translation> (expired {n} days ago)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="45"/>
        <source>（剩余 {n} 天）</source>
        <translation> ({n} days left)</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="46"/>
        <source>{start} 至 {end}</source>
        <translation>{start} to {end}</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="51"/>
        <source>持有人</source>
        <translation>Holder</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="52"/>
        <source>单位</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="53"/>
        <source>统一社会信用代码</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="54"/>
        <source>颁发者</source>
        <translation>Issuer</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="55"/>
        <source>有效期</source>
        <translation>Validity</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="56"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="57"/>
        <source>密钥算法</source>
        <translation>Key algorithm</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/cert.py" line="81"/>
        <source>{uscc}（校验位错误）</source>
        <translation>{uscc} (wrong check character)</translation>
    </message>
</context>
<context>
    <name>CertificatesPage</name>
    <message>
        <location filename="../../ui/pages/certificates.py" line="38"/>
        <source>投标人</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="39"/>
        <source>代理机构</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="112"/>
        <source>刷新</source>
        <translation type="unfinished">Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="125"/>
        <source>远程证书激活</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="129"/>
        <source>用户类型</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="136"/>
        <source>检测我的CA锁</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="138"/>
        <source>签名并解密一次，确认开标时能解密投标文件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="141"/>
        <source>修改PIN码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="152"/>
        <source>证书</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="158"/>
        <source>远程证书激活：把本证书绑定到当前账号，激活后可用CA锁登录。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="161"/>
        <source>已激活的证书</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="184"/>
        <source>{message}。{advice}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="193"/>
        <source>{name}（{kind}，有效期至 {date}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="244"/>
        <source>进行远程证书激活</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="255"/>
        <source>正在激活证书…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="258"/>
        <source>证书“{name}”已激活，今后可用CA锁登录。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="266"/>
        <source>检测CA锁</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="276"/>
        <source>正在检测CA锁…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="280"/>
        <source>检测通过：签名正常，解密正常（开标时可以解密投标文件）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="282"/>
        <source>检测通过：签名正常</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="286"/>
        <source>{message}（{code}）：{advice}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="311"/>
        <source>PIN码已修改，请牢记新PIN码。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DiagnosticsPage</name>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="62"/>
        <source>检查驱动、CA锁、证书、交易平台连接和本机设置。报告中不含PIN码、密码和完整证件号，可放心发给技术支持（{phone}）。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="93"/>
        <location filename="../../ui/pages/diagnostics.py" line="438"/>
        <source>诊断</source>
        <translation type="unfinished">Diagnostics</translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="98"/>
        <source>开始检测</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="101"/>
        <source>停止</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="104"/>
        <source>复制报告</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="107"/>
        <source>保存报告…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="110"/>
        <source>一键修复</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="121"/>
        <source>自检的CA锁</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="122"/>
        <source>输入PIN码自检</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="124"/>
        <source>用PIN码登录一次，签名并解密，确认开标时能解密投标文件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="128"/>
        <source>CA锁自检</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="134"/>
        <source>尚未检测</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="141"/>
        <source>检查项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="142"/>
        <source>结果</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="152"/>
        <source>选中一项，查看详情和处理建议</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="213"/>
        <source>正在检测…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="224"/>
        <source>正在停止（当前这一项检查完成后停止）…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="248"/>
        <source>正在检测（{index}/{total}）：{title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="306"/>
        <source>（已停止，结果不完整）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="325"/>
        <source>{message}（{code}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="342"/>
        <source>{label}（{model}，序列号 {serial}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="362"/>
        <source>这把CA锁不在本程序中输入PIN码：请在“证书”页点击“检测我的CA锁”。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="367"/>
        <source>进行CA锁自检</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="385"/>
        <source>。报告已复制，可粘贴到聊天窗口或邮件中。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="392"/>
        <source>hy-client-诊断报告-{when}.zip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="401"/>
        <source>保存诊断报告</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="403"/>
        <source>诊断报告</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/diagnostics.py" line="411"/>
        <source>报告已保存：{path}。请把这个文件发给技术支持（{phone}）。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DriversPage</name>
    <message>
        <location filename="../../ui/pages/drivers.py" line="58"/>
        <source>系统弹出“是否允许此应用更改设备”的窗口时，请点“是”；如果您没有管理员账号，请联系单位的电脑管理员安装，或致电技术支持 {phone}。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="61"/>
        <source>安装此驱动需要管理员权限。{how}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="65"/>
        <source>设置中登记</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="66"/>
        <location filename="../../ui/pages/drivers.py" line="248"/>
        <source>驱动目录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="67"/>
        <source>本程序安装</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="68"/>
        <source>系统登记</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="69"/>
        <source>系统目录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="144"/>
        <source>正常，识别到CA锁：{names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="145"/>
        <source>正常，未插入CA锁</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="147"/>
        <source>；版本较旧，建议更新</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="150"/>
        <source>文件存在</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="151"/>
        <source>不存在</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="175"/>
        <location filename="../../ui/pages/drivers.py" line="198"/>
        <source>驱动</source>
        <translation type="unfinished">Drivers</translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="177"/>
        <source>正在读取驱动目录…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="180"/>
        <source>更新驱动目录</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="183"/>
        <source>重新检测</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="198"/>
        <location filename="../../ui/pages/drivers.py" line="235"/>
        <source>版本</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="199"/>
        <source>适用系统</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="199"/>
        <location filename="../../ui/pages/drivers.py" line="235"/>
        <source>状态</source>
        <translation type="unfinished">Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="202"/>
        <location filename="../../ui/pages/drivers.py" line="428"/>
        <source>安装</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="216"/>
        <source>取消</source>
        <translation type="unfinished">Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="234"/>
        <source>驱动模块</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="234"/>
        <source>来源</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="246"/>
        <source>已插入的CA锁与推荐驱动</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="254"/>
        <source>本机的驱动模块</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="300"/>
        <location filename="../../ui/pages/drivers.py" line="516"/>
        <location filename="../../ui/pages/drivers.py" line="519"/>
        <source>{message}（{code}）。{advice}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="308"/>
        <source>随程序附带</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="309"/>
        <source>已下载</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="310"/>
        <source>刚更新</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="312"/>
        <source>驱动目录 版本 {version}（{source}，有效期至 {expires}），本机 {os}/{arch}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="318"/>
        <source>{message}（{code}）：{advice}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="328"/>
        <source>多个驱动同时识别同一把CA锁，请卸载不再使用的驱动</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="330"/>
        <source>驱动版本较旧，请更新</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="341"/>
        <source>CA锁“{label}”（{model}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="347"/>
        <source>USB设备 </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="350"/>
        <source>{name}：驱动目录中没有它的驱动，请咨询CA机构</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="355"/>
        <location filename="../../ui/pages/drivers.py" line="373"/>
        <source>已安装</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="356"/>
        <source>未安装，请在下方安装</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="357"/>
        <source>{name}：推荐驱动 {vendor} {version}（{state}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="362"/>
        <source>未检测到CA锁。请插入CA锁后点击“重新检测”。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="372"/>
        <source>已安装，版本较旧</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="375"/>
        <source>不适用于本机</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="377"/>
        <source>未安装（可下载 {size} KB）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="380"/>
        <source>未安装（请向CA机构索取安装程序）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="381"/>
        <location filename="../../ui/pages/drivers.py" line="393"/>
        <source>、</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="382"/>
        <source>全部</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="427"/>
        <source>更新</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="436"/>
        <source>该驱动不提供下载，请使用CA机构提供的安装程序。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="464"/>
        <source>正在下载并校验 {name} {version}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="496"/>
        <source>驱动 {driver} {version} 已安装并通过检测，识别到CA锁：{tokens}。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="499"/>
        <source>驱动 {driver} {version} 已安装并通过检测。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="502"/>
        <source>现在即可用它登录，无需重新启动本程序。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="504"/>
        <source>请重新启动计算机以完成安装。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="512"/>
        <source>已取消下载。已下载的部分会保留，下次安装时继续。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="543"/>
        <source>驱动目录已更新：版本 {version}，共 {count} 个驱动。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/drivers.py" line="551"/>
        <source>驱动目录更新失败：{message}（{code}）。{advice}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FormWidget</name>
    <message>
        <location filename="../../ui/widgets/form.py" line="143"/>
        <source>带 * 的为必填项</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/form.py" line="179"/>
        <source>请选择</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/form.py" line="315"/>
        <source>恢复未保存的修改</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/form.py" line="316"/>
        <source>发现 {when} 自动保存、尚未提交的“{form}”修改。
是否恢复？</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Help</name>
    <message>
        <location filename="../../ui/help.py" line="17"/>
        <source>建设工程交易科</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="18"/>
        <source>政府采购科</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="19"/>
        <source>技术支持</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="23"/>
        <source>&lt;p&gt;账号密码在湖南省统一注册平台管理。忘记密码时：&lt;/p&gt;&lt;ol&gt;&lt;li&gt;在统一注册平台登录页点“忘记密码”，按提示用注册手机号或邮箱找回；&lt;/li&gt;&lt;li&gt;如已绑定标证通，也可以用“扫码登录”登录后在平台修改密码。&lt;/li&gt;&lt;/ol&gt;&lt;p&gt;找回密码咨询电话：&lt;b&gt;{phone1}&lt;/b&gt;、&lt;b&gt;{phone2}&lt;/b&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="30"/>
        <source>
&lt;h2&gt;其他事项&lt;/h2&gt;
&lt;h3&gt;单位名称变更&lt;/h3&gt;
&lt;p&gt;单位名称变更后，请将变更材料（新营业执照、变更核准通知书等）通过电子邮件发送至交易中心，
由中心工作人员处理。&lt;b&gt;正在参与投标的项目期间请勿办理名称变更&lt;/b&gt;，以免投标文件与单位信息不一致。&lt;/p&gt;
&lt;h3&gt;CA锁（数字证书）延期&lt;/h3&gt;
&lt;p&gt;证书到期前请&lt;b&gt;提前&lt;/b&gt;到CA机构办理延期。&lt;b&gt;投标期间（投标截止前至开标结束）不要办理延期&lt;/b&gt;：
延期会更换证书密钥，开标时将无法解密用旧证书加密的投标文件。&lt;/p&gt;
&lt;p&gt;本客户端会在证书需要处理时在窗口顶部提示，并结合您未开标的项目给出建议。&lt;/p&gt;
&lt;h3&gt;忘记密码&lt;/h3&gt;
{forgot}
&lt;h3&gt;联系电话&lt;/h3&gt;
&lt;table cellpadding=&quot;4&quot;&gt;{phones}&lt;/table&gt;
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="65"/>
        <source>关于本软件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="74"/>
        <source>&lt;h3&gt;{title}&lt;/h3&gt;&lt;p&gt;版本 {version}&lt;/p&gt;&lt;p&gt;CA锁登录、基本信息、企业资质、职业人员与证书管理，替代浏览器控件。&lt;/p&gt;&lt;p&gt;技术支持：{phone}&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/help.py" line="82"/>
        <source>关于</source>
        <translation type="unfinished">About</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <location filename="../../ui/jobs.py" line="84"/>
        <source>错误代码：{code}</source>
        <translation>Error code: {code}</translation>
    </message>
    <message>
        <location filename="../../ui/jobs.py" line="91"/>
        <source>{field}：{reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/jobs.py" line="102"/>
        <source>出错了</source>
        <translation>Something went wrong</translation>
    </message>
    <message>
        <location filename="../../ui/jobs.py" line="179"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../ui/jobs.py" line="182"/>
        <source>请稍候</source>
        <translation>Please wait</translation>
    </message>
    <message>
        <location filename="../../ui/jobs.py" line="88"/>
        <source>（{detail}）</source>
        <translation>({detail})</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <location filename="../../ui/login.py" line="485"/>
        <source>账号密码</source>
        <translation>Username and password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="201"/>
        <location filename="../../ui/login.py" line="486"/>
        <source>CA锁登录</source>
        <translation>USB key login</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="487"/>
        <source>扫码登录</source>
        <translation>Scan login</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="469"/>
        <source>衡阳市公共资源交易系统</source>
        <translation>Hengyang Public Resource Trading System</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="51"/>
        <source>正在准备…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="65"/>
        <location filename="../../ui/login.py" line="71"/>
        <source>用户名</source>
        <translation>Username</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="70"/>
        <location filename="../../ui/login.py" line="72"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="73"/>
        <source>记住用户名</source>
        <translation>Remember username</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="77"/>
        <location filename="../../ui/login.py" line="468"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="83"/>
        <source>注册新账号</source>
        <translation>Register a new account</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="87"/>
        <source>忘记密码？</source>
        <translation>Forgot password?</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="127"/>
        <source>用户名和密码都不能为空</source>
        <translation>Enter both username and password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="140"/>
        <source>正在登录…</source>
        <translation>Logging in…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="166"/>
        <source>忘记密码</source>
        <translation>Forgot password</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="188"/>
        <source>选择证书</source>
        <translation>Choose a certificate</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="190"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="196"/>
        <location filename="../../ui/login.py" line="216"/>
        <source>正在查找CA锁…</source>
        <translation>Looking for USB keys…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="205"/>
        <source>证书</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="265"/>
        <source>找到 {n} 张可登录的证书</source>
        <translation>{n} certificate(s) found for login</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="323"/>
        <source>请在密码键盘上输入PIN码…</source>
        <translation>Enter the PIN on the PIN pad…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="324"/>
        <source>正在用CA锁登录…</source>
        <translation>Logging in with the USB key…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="357"/>
        <source>请使用“标证通”手机APP扫描二维码</source>
        <translation>Scan the QR code with the Biaozhengtong app</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="358"/>
        <source>已扫描，请在手机上确认登录</source>
        <translation>Scanned: confirm the login on your phone</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="359"/>
        <source>已确认，正在登录…</source>
        <translation>Confirmed, logging in…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="360"/>
        <source>已在手机上拒绝登录</source>
        <translation>The login was denied on the phone</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="361"/>
        <source>二维码已失效，正在刷新…</source>
        <translation>The QR code expired, refreshing…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="372"/>
        <source>刷新二维码</source>
        <translation>Refresh QR code</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="376"/>
        <source>首次使用请先用账号密码登录，在“标证通绑定”中绑定手机。</source>
        <translation>First time? Log in with your username and password and bind your phone under “Biaozhengtong app”.</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="412"/>
        <source>正在获取二维码…</source>
        <translation>Getting a QR code…</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="454"/>
        <source>二维码已失效，请点击“刷新二维码”</source>
        <translation>The QR code expired: click “Refresh QR code”</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="494"/>
        <source>无法登录？检测环境</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="498"/>
        <source>诊断：检查驱动、CA锁、证书和网络，并生成报告</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="500"/>
        <source>设置</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>登录 — 衡阳市公共资源交易系统 · 投标人客户端</source>
        <translation type="vanished">Log in — Hengyang Public Resource Trading System · Bidder client</translation>
    </message>
    <message>
        <location filename="../../ui/login.py" line="472"/>
        <source>投标人客户端</source>
        <translation>Bidder client</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="81"/>
        <source>基本信息</source>
        <translation>Basic information</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83"/>
        <source>企业资质</source>
        <translation>Enterprise qualifications</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="85"/>
        <source>职业人员</source>
        <translation>Professional personnel</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="87"/>
        <source>证书</source>
        <translation>Certificates</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="89"/>
        <source>标证通绑定</source>
        <translation>Biaozhengtong app</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="91"/>
        <source>投标准备</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="93"/>
        <source>驱动</source>
        <translation>Drivers</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="95"/>
        <source>诊断</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="97"/>
        <location filename="../../ui/main_window.py" line="161"/>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="123"/>
        <source>当前账号：{name}（{username}）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="147"/>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="148"/>
        <source>设置…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="152"/>
        <source>退出登录</source>
        <translation>Log out</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>关于</source>
        <translation>About</translation>
    </message>
</context>
<context>
    <name>PinChangeDialog</name>
    <message>
        <location filename="../../ui/pages/certificates.py" line="46"/>
        <source>修改PIN码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="50"/>
        <source>原PIN码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="51"/>
        <source>新PIN码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="52"/>
        <source>再次输入新PIN码</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="66"/>
        <source>CA锁“{label}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="69"/>
        <source>新PIN码至少6位，不要使用 123456、连续或重复的数字。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="78"/>
        <source>两次输入的新PIN码不一致</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/certificates.py" line="83"/>
        <source>{message}：{advice}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../ui/widgets/pin.py" line="29"/>
        <source>PIN码已至少输错一次，请仔细核对后再输入。</source>
        <translation>The PIN was entered wrongly at least once: check it carefully before entering it.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="30"/>
        <source>注意：再输错一次，CA锁将被锁定！</source>
        <translation>Caution: one more wrong PIN locks the key!</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="31"/>
        <source>该CA锁的PIN码已被锁定，无法登录。
{advice}
解锁后请使用新的PIN码登录。</source>
        <translation>The PIN of this key is locked; it cannot log in.
{advice}
After unlocking, log in with the new PIN.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="33"/>
        <source>请在读卡器（密码键盘）上输入PIN码，然后等待本窗口自动继续。</source>
        <translation>Enter the PIN on the reader&apos;s PIN pad, then wait: this window continues by itself.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="35"/>
        <source>该CA锁要求修改初始PIN码，登录后请在“证书”页修改。</source>
        <translation>This key asks for its initial PIN to be changed: after login, change it on the “Certificates” page.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="52"/>
        <source>输入PIN码</source>
        <translation>Enter PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="56"/>
        <source>请输入CA锁“{label}”的PIN码以{purpose}。</source>
        <translation>Enter the PIN of the key “{label}” to {purpose}.</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="57"/>
        <source>登录</source>
        <translation>log in</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="69"/>
        <location filename="../../ui/widgets/pin.py" line="70"/>
        <source>PIN码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="110"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="115"/>
        <source>开始</source>
        <translation>Start</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="143"/>
        <source>最后一次机会</source>
        <translation>Last try</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/pin.py" line="144"/>
        <source>再输错一次，CA锁将被锁定，需要到CA机构解锁。
确定PIN码无误并继续吗？</source>
        <translation>One more wrong PIN locks the key and it must be unlocked at the CA office.
Are you sure the PIN is right, and continue?</translation>
    </message>
</context>
<context>
    <name>QrPanel</name>
    <message>
        <location filename="../../ui/widgets/qr.py" line="41"/>
        <source>二维码</source>
        <translation>QR code</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/qr.py" line="129"/>
        <source>二维码 {n} 秒后失效</source>
        <translation>The QR code expires in {n} s</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/qr.py" line="133"/>
        <source>二维码已失效</source>
        <translation>The QR code has expired</translation>
    </message>
</context>
<context>
    <name>Records</name>
    <message>
        <location filename="../../ui/pages/records.py" line="37"/>
        <source>草稿（未提交）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="38"/>
        <source>已提交，等待审核</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="39"/>
        <source>审核通过</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="40"/>
        <source>已退回</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="43"/>
        <location filename="../../ui/pages/records.py" line="259"/>
        <source>基本信息</source>
        <translation type="unfinished">Basic information</translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="44"/>
        <source>企业资质</source>
        <translation type="unfinished">Enterprise qualifications</translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="45"/>
        <source>职业人员</source>
        <translation type="unfinished">Professional personnel</translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="71"/>
        <source>正在读取…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="83"/>
        <source>添加电子件…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="86"/>
        <source>保存草稿</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="89"/>
        <source>提交审核</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="93"/>
        <source>状态：</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="97"/>
        <source>电子件（PDF、JPG、PNG，单个不超过20MB）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="154"/>
        <source>读取失败</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="165"/>
        <source>退回原因：{reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="170"/>
        <source>{name}（{size} MB）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="182"/>
        <source>正在保存…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="188"/>
        <source>正在提交审核…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="232"/>
        <source>选择电子件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="233"/>
        <source>电子件</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="248"/>
        <source>正在上传电子件…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="262"/>
        <source>投标人提交后即审核通过；代理机构需市场主体科审核。</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="282"/>
        <source>编辑{kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="283"/>
        <location filename="../../ui/pages/records.py" line="316"/>
        <source>新增{kind}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="285"/>
        <source>关闭</source>
        <translation type="unfinished">Close</translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="311"/>
        <source>状态</source>
        <translation type="unfinished">Status</translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="319"/>
        <source>查看/编辑</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/pages/records.py" line="322"/>
        <source>刷新</source>
        <translation type="unfinished">Refresh</translation>
    </message>
</context>
<context>
    <name>RegistrationDialog</name>
    <message>
        <location filename="../../ui/register.py" line="38"/>
        <source>注册新账号</source>
        <translation type="unfinished">Register a new account</translation>
    </message>
    <message>
        <location filename="../../ui/register.py" line="41"/>
        <source>单位</source>
        <translation type="unfinished">Organisation</translation>
    </message>
    <message>
        <location filename="../../ui/register.py" line="43"/>
        <source>自然人（个人）</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/register.py" line="69"/>
        <source>注册</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/register.py" line="99"/>
        <source>正在注册…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/register.py" line="104"/>
        <source>注册成功</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/register.py" line="105"/>
        <source>账号“{username}”已注册，请登录。</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RenewalBanner</name>
    <message>
        <location filename="../../ui/widgets/renewal.py" line="15"/>
        <source>证书延期提醒</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/renewal.py" line="16"/>
        <source>证书即将到期</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/renewal.py" line="17"/>
        <source>证书需要立即处理</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/renewal.py" line="49"/>
        <source>查看证书</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets/renewal.py" line="61"/>
        <source>（{name}）</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../ui/tray.py" line="76"/>
        <source>打开</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="79"/>
        <source>退出</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
