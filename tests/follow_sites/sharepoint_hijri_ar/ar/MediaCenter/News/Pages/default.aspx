<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="rtl" lang="ar-SA">
<head><meta name="GENERATOR" content="Microsoft SharePoint" /><meta http-equiv="Content-type" content="text/html; charset=utf-8" />
<title>
	الأخبار
</title>
<link rel="stylesheet" type="text/css" href="/_layouts/15/1025/styles/Themable/corev15.css?rev=2Dq0tJ6pCPxgNZ9C%2F1j2sA%3D%3DTAG0"/>
</head>
<body>
<form method="post" action="./default.aspx" id="aspnetForm">
<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUBMA9kFgJmD2QWAgIBD2QWBAIBD2QWAgIFD2QWAmYPZBYCAgEP" /></div>
<div id="s4-workspace"><div id="s4-bodyContainer">
<header class="site-header">
	<div class="top-bar"><a href="/en/MediaCenter/News/Pages/default.aspx" lang="en">English</a> | <a href="/ar/Pages/ContactUs.aspx">اتصل بنا</a> | <a href="/ar/Pages/Sitemap.aspx">خريطة الموقع</a></div>
	<a class="logo" href="/ar/Pages/default.aspx"><img src="/Style Library/NDA/images/logo.png" alt="الهيئة الوطنية لنزع الألغام" /></a>
	<div id="DeltaTopNavigation" class="ms-displayInline ms-core-navigation" role="navigation">
		<div class="noindex ms-core-listMenu-horizontalBox"><ul class="root ms-core-listMenu-root static">
			<li class="static"><a class="static menu-item ms-core-listMenu-item" href="/ar/Pages/default.aspx"><span class="menu-item-text">الرئيسية</span></a></li>
			<li class="static"><a class="static menu-item ms-core-listMenu-item" href="/ar/About/Pages/default.aspx"><span class="menu-item-text">عن الهيئة</span></a></li>
			<li class="static selected"><a class="static selected menu-item ms-core-listMenu-item" href="/ar/MediaCenter/Pages/default.aspx"><span class="menu-item-text">المركز الإعلامي</span></a></li>
			<li class="static"><a class="static menu-item ms-core-listMenu-item" href="/ar/EServices/Pages/default.aspx"><span class="menu-item-text">الخدمات الإلكترونية</span></a></li>
		</ul></div>
	</div>
</header>
<div class="breadcrumb"><span><a href="/ar/Pages/default.aspx">الرئيسية</a></span> &gt; <span><a href="/ar/MediaCenter/Pages/default.aspx">المركز الإعلامي</a></span> &gt; <span>الأخبار</span></div>
<div id="contentBox">
	<div id="DeltaPlaceHolderMain">
		<h1 class="page-title">الأخبار</h1>
		<div class="ms-webpart-zone ms-fullWidth"><div class="ms-webpart-chrome"><div class="ms-WPBody noindex">
			<div class="news-list">
<div class="news-item">
	<div class="news-date"><span class="ms-noWrap">الأحد ٢٢ جمادى الأولى ١٤٤٦هـ - الموافق ٢٤ نوفمبر ٢٠٢٤م</span></div>
	<h3 class="news-title"><a href="/ar/MediaCenter/News/Pages/News-2024-11-24-1.aspx">الهيئة تستعرض إنجازات البرنامج الوطني لنزع الألغام</a></h3>
	<div class="news-brief">أعلنت الهيئة الوطنية لنزع الألغام عن تفاصيل النشاط ضمن خطتها التنفيذية للعام الجاري.</div>
</div>
<div class="news-item">
	<div class="news-date"><span class="ms-noWrap">الأحد ٨ جمادى الأولى ١٤٤٦هـ - الموافق ١٠ نوفمبر ٢٠٢٤م</span></div>
	<h3 class="news-title"><a href="/ar/MediaCenter/News/Pages/News-2024-11-10-1.aspx">ورشة عمل حول إدارة معلومات الأعمال المتعلقة بالألغام</a></h3>
	<div class="news-brief">أعلنت الهيئة الوطنية لنزع الألغام عن تفاصيل النشاط ضمن خطتها التنفيذية للعام الجاري.</div>
</div>
<div class="news-item">
	<div class="news-date"><span class="ms-noWrap">السبت ١٩ ربيع الآخر ١٤٤٦هـ</span></div>
	<h3 class="news-title"><a href="/ar/MediaCenter/News/Pages/News-1446-04-19.aspx">زيارة وفد الهيئة إلى مواقع العمل الميداني</a></h3>
	<div class="news-brief">أعلنت الهيئة الوطنية لنزع الألغام عن تفاصيل النشاط ضمن خطتها التنفيذية للعام الجاري.</div>
</div>
<div class="news-item">
	<div class="news-date"><span class="ms-noWrap">الأحد ٣ ربيع الآخر ١٤٤٦هـ - الموافق ٦ أكتوبر ٢٠٢٤م</span></div>
	<h3 class="news-title"><a href="/ar/MediaCenter/News/Pages/News-2024-10-06-1.aspx">الهيئة تشارك في المؤتمر الإقليمي للأعمال المتعلقة بالألغام</a></h3>
	<div class="news-brief">أعلنت الهيئة الوطنية لنزع الألغام عن تفاصيل النشاط ضمن خطتها التنفيذية للعام الجاري.</div>
</div>
<div class="news-item">
	<div class="news-date"><span class="ms-noWrap">20 ربيع الأول 1446 هـ</span></div>
	<h3 class="news-title"><a href="/ar/MediaCenter/News/Pages/News-1446-03-20.aspx">تكريم فرق نزع الألغام المتميزة</a></h3>
	<div class="news-brief">أعلنت الهيئة الوطنية لنزع الألغام عن تفاصيل النشاط ضمن خطتها التنفيذية للعام الجاري.</div>
</div>
<div class="news-item">
	<div class="news-date"><span class="ms-noWrap">الأحد 5 ربيع الأول 1446هـ - الموافق 8 سبتمبر 2024م</span></div>
	<h3 class="news-title"><a href="/ar/MediaCenter/News/Pages/News-2024-09-08-1.aspx">إطلاق حملة التوعية بمخاطر الألغام في المناطق الحدودية</a></h3>
	<div class="news-brief">أعلنت الهيئة الوطنية لنزع الألغام عن تفاصيل النشاط ضمن خطتها التنفيذية للعام الجاري.</div>
</div>
<div class="news-item">
	<div class="news-date"><span class="ms-noWrap">الأحد 13 صفر 1446هـ - الموافق 18 أغسطس 2024م</span></div>
	<h3 class="news-title"><a href="/ar/MediaCenter/News/Pages/News-2024-08-18-1.aspx">توقيع مذكرة تفاهم مع برنامج الأمم المتحدة الإنمائي</a></h3>
	<div class="news-brief">أعلنت الهيئة الوطنية لنزع الألغام عن تفاصيل النشاط ضمن خطتها التنفيذية للعام الجاري.</div>
</div>
			</div>
			<div class="paging"><a href="/ar/MediaCenter/News/Pages/default.aspx?PageIndex=2">التالي</a></div>
		</div></div></div>
	</div>
</div>
<footer class="site-footer"><p>جميع الحقوق محفوظة للهيئة الوطنية لنزع الألغام ١٤٤٦هـ - ٢٠٢٤م</p><p><a href="/ar/Pages/Privacy.aspx">سياسة الخصوصية</a> | <a href="/ar/Pages/Terms.aspx">شروط الاستخدام</a></p></footer>
</div></div>
</form>
</body>
</html>
