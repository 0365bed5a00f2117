<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>MainWindow</name>
    <message>
        <source>基本信息</source>
        <translation>Basic information</translation>
    </message>
    <message>
        <source>企业资质</source>
        <translation>Enterprise qualifications</translation>
    </message>
    <message>
        <source>职业人员</source>
        <translation>Professional personnel</translation>
    </message>
    <message>
        <source>证书</source>
        <translation>Certificates</translation>
    </message>
    <message>
        <source>标证通绑定</source>
        <translation>Biaozhengtong app</translation>
    </message>
    <message>
        <source>驱动</source>
        <translation>Drivers</translation>
    </message>
    <message>
        <source>诊断</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>帮助</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <source>退出登录</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
</context>
<context>
    <name>LoginWindow</name>
    <message>
        <source>账号密码</source>
        <translation>Username and password</translation>
    </message>
    <message>
        <source>CA锁登录</source>
        <translation>USB key login</translation>
    </message>
    <message>
        <source>扫码登录</source>
        <translation>Scan login</translation>
    </message>
    <message>
        <source>衡阳市公共资源交易系统</source>
        <translation>Hengyang Public Resource Trading System</translation>
    </message>
</context>
</TS>
