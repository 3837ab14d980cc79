<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html dir="ltr" lang="en-GB">
<head><meta name="GENERATOR" content="Microsoft SharePoint" /><meta http-equiv="Content-type" content="text/html; charset=utf-8" /><meta http-equiv="X-UA-Compatible" content="IE=10" /><meta http-equiv="Expires" content="0" />
<title>
	News
</title>
<link rel="stylesheet" type="text/css" href="/_layouts/15/1033/styles/Themable/corev15.css?rev=2Dq0tJ6pCPxgNZ9C%2F1j2sA%3D%3DTAG0"/>
<link rel="canonical" href="{{BASE}}/Pages/News.aspx" />
</head>
<body>
<div id="imgPrefetch" style="display:none"></div>
<form method="post" action="./News.aspx" id="aspnetForm">
<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUBMA9kFgJmD2QWAgIBD2QWBAIBD2QWAgIFD2QWAmYPZBYCAgEPFgIeE1ByZXZpb3VzQ29udHJvbE1vZGULKYgBTWljcm9zb2Z0" /></div>
<div id="ms-designer-ribbon">
	<div id="s4-ribbonrow"><div id="globalNavBox" class="ms-noList"><div id="ribbonBox"><div id="s4-ribboncont"><div class="ms-cui-ribbonTopBars"><div class="ms-cui-topBar1"></div></div></div></div></div></div>
</div>
<div id="s4-workspace" class="ms-core-overlay">
<div id="s4-bodyContainer">
	<div id="s4-titlerow" class="ms-dialogHidden s4-titlerowhidetitle">
		<div id="titleAreaBox" class="ms-noList ms-table ms-core-tableNoSpace">
			<div id="titleAreaRow" class="ms-tableRow">
				<div id="siteIcon" class="ms-tableCell ms-verticalAlignTop"><a id="ctl00_onetidProjectPropertyTitleGraphic" href="/"><img id="ctl00_onetidHeadbnnr2" class="ms-siteicon-img" name="onetidHeadbnnr0" src="/SiteAssets/logo.png" alt="National Mine Action Authority" /></a></div>
				<div class="ms-breadcrumb-box ms-tableCell ms-verticalAlignTop">
					<div class="ms-breadcrumb-top"><div class="ms-breadcrumb-dropdownBox" style="display:none;"><span id="DeltaBreadcrumbDropdown"></span></div>
						<div id="DeltaTopNavigation" class="ms-displayInline ms-core-navigation" role="navigation">
							<div id="zz1_TopNavigationMenu" class=" noindex ms-core-listMenu-horizontalBox"><ul id="zz2_RootAspMenu" class="root ms-core-listMenu-root static">
								<li class="static"><a class="static menu-item ms-core-listMenu-item ms-displayInline ms-navedit-linkNode" href="/Pages/default.aspx"><span class="additional-background ms-navedit-flyoutArrow"><span class="menu-item-text">Home</span></span></a></li>
								<li class="static selected"><a class="static selected menu-item ms-core-listMenu-item ms-displayInline ms-navedit-linkNode" href="/Pages/News.aspx"><span class="additional-background ms-navedit-flyoutArrow"><span class="menu-item-text">News and media</span></span></a></li>
								<li class="static"><a class="static menu-item ms-core-listMenu-item ms-displayInline ms-navedit-linkNode" href="/Pages/Operations.aspx"><span class="additional-background ms-navedit-flyoutArrow"><span class="menu-item-text">Operations and clearance</span></span></a></li>
								<li class="static"><a class="static menu-item ms-core-listMenu-item ms-displayInline ms-navedit-linkNode" href="/Pages/Publications.aspx"><span class="additional-background ms-navedit-flyoutArrow"><span class="menu-item-text">Publications and reports</span></span></a></li>
							</ul></div>
						</div>
					</div>
					<h1 id="pageTitle" class="ms-core-pageTitle"><span id="DeltaPlaceHolderPageTitleInTitleArea">News</span></h1>
				</div>
			</div>
		</div>
	</div>
	<div id="contentRow">
		<div id="sideNavBox" class="ms-dialogHidden ms-forceWrap ms-noList">
			<div id="DeltaPlaceHolderLeftNavBar" class="ms-core-navigation" role="navigation">
				<div id="ctl00_PlaceHolderLeftNavBar_QuickLaunchNavigationManager"><div id="zz3_V4QuickLaunchMenu" class=" noindex ms-core-listMenu-verticalBox"><ul id="zz4_RootAspMenu" class="root ms-core-listMenu-root static">
					<li class="static"><a class="static menu-item ms-core-listMenu-item ms-displayInline ms-navedit-linkNode" href="/Pages/Press-releases.aspx"><span class="additional-background ms-navedit-flyoutArrow"><span class="menu-item-text">Press releases archive</span></span></a></li>
					<li class="static"><a class="static menu-item ms-core-listMenu-item ms-displayInline ms-navedit-linkNode" href="/Pages/Photo-gallery.aspx"><span class="additional-background ms-navedit-flyoutArrow"><span class="menu-item-text">Photo gallery and videos</span></span></a></li>
					<li class="static"><a class="static menu-item ms-core-listMenu-item ms-displayInline ms-navedit-linkNode" href="/Pages/Media-contacts.aspx"><span class="additional-background ms-navedit-flyoutArrow"><span class="menu-item-text">Media contacts</span></span></a></li>
				</ul></div></div>
			</div>
		</div>
		<div id="contentBox" aria-live="polite" aria-relevant="all">
			<div id="DeltaPlaceHolderMain">
				<a id="mainContent" name="mainContent" tabindex="-1"></a>
<div class="article article-body">
	<div class="ms-rtestate-field">Latest news from the National Mine Action Authority. For media enquiries see <a href="/Pages/Media-contacts.aspx">media contacts and accreditation</a>.</div>
	<div class="ms-webpart-zone ms-fullWidth">
		<div id="MSOZoneCell_WebPartWPQ2" class="s4-wpcell-plain ms-webpartzone-cell ms-webpart-cell-vertical ms-fullWidth">
			<div class="ms-webpart-chrome ms-webpart-chrome-vertical ms-webpart-chrome-fullWidth">
				<div class="ms-webpart-chrome-title" id="WebPartWPQ2_ChromeTitle"><span title="Latest news - Displays a dynamic view of content from your site." class="js-webpart-titleCell"><h2 style="text-align:justify;" class="ms-webpart-titleText"><span>Latest news</span></h2></span></div>
				<div WebPartID="6b4f6c1e-4d2b-4a57-9a3f-d3a1e1a2c0d1" HasPers="false" id="WebPartWPQ2" width="100%" class="ms-WPBody noindex" allowDelete="false" style="">
<div id="cbqwpctl00_ctl40_g_6b4f6c1e" class="cbq-layout-main"><ul class="dfwp-column dfwp-list" style="width:100%"><li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/News/2024/Statement-Director-MSP22.aspx" title="">Statement by the Director at the Meeting of the States Parties</a><div class="description">25/11/2024 &#8212; The National Mine Action Authority reports on its work and on the next steps of the programme.</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/News/2024/Agreement-EU-survey-funding.aspx" title="">Authority signs agreement with the European Union on survey funding</a><div class="description">07/11/2024 &#8212; The National Mine Action Authority reports on its work and on the next steps of the programme.</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/News/2024/EORE-campaign-60-villages.aspx" title="">Explosive ordnance risk education campaign reaches 60 villages</a><div class="description">15/10/2024 &#8212; The National Mine Action Authority reports on its work and on the next steps of the programme.</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/News/2024/Quarterly-clearance-figures-Q3.aspx" title="">Quarterly clearance figures: July to September</a><div class="description">01/10/2024 &#8212; The National Mine Action Authority reports on its work and on the next steps of the programme.</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/News/2024/Survivors-network-national-assembly.aspx" title="">Survivors' network holds its first national assembly</a><div class="description">05/09/2024 &#8212; The National Mine Action Authority reports on its work and on the next steps of the programme.</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/News/2024/Information-management-system-live.aspx" title="">New information management system goes live</a><div class="description">12/08/2024 &#8212; The National Mine Action Authority reports on its work and on the next steps of the programme.</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="/Pages/News/2024/National-Strategy-2024-2028.aspx" title="">Authority publishes its National Strategy 2024-2028</a><div class="description">05/04/2024 &#8212; The National Mine Action Authority reports on its work and on the next steps of the programme.</div></div></div></li></ul></div>
				</div>
			</div>
		</div>
		<div id="MSOZoneCell_WebPartWPQ3" class="s4-wpcell-plain ms-webpartzone-cell ms-webpart-cell-vertical ms-fullWidth">
			<div class="ms-webpart-chrome ms-webpart-chrome-vertical ms-webpart-chrome-fullWidth">
				<div class="ms-webpart-chrome-title" id="WebPartWPQ3_ChromeTitle"><span title="Useful links" class="js-webpart-titleCell"><h2 class="ms-webpart-titleText"><span>Useful links</span></h2></span></div>
				<div WebPartID="0e7a5b1c-2f4d-4b8e-8c7a-9d1e2f3a4b5c" HasPers="false" id="WebPartWPQ3" width="100%" class="ms-WPBody noindex" allowDelete="false" style="">
<div id="cbqwpctl00_ctl40_g_0e7a5b1c" class="cbq-layout-main"><ul class="dfwp-column dfwp-list" style="width:100%"><li class="dfwp-item"><div class="item"><div class="link-item"><a href="https://www.unmas.example/" title="" target="_blank">United Nations Mine Action Service</a><div class="description">External website</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="https://www.gichd.example/" title="" target="_blank">Geneva International Centre for Humanitarian Demining</a><div class="description">External website</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="https://www.apmbc.example/" title="" target="_blank">Anti-Personnel Mine Ban Convention</a><div class="description">External website</div></div></div></li><li class="dfwp-item"><div class="item"><div class="link-item"><a href="https://www.monitor.example/" title="" target="_blank">Landmine and Cluster Munition Monitor</a><div class="description">External website</div></div></div></li></ul></div>
				</div>
			</div>
		</div>
	</div>
</div>
			</div>
		</div>
	</div>
	<div id="footer" class="ms-dialogHidden"><div class="ms-rtestate-field">&#169; National Mine Action Authority 2024 &#8212; <a href="/Pages/Privacy.aspx">Privacy statement</a> &#8212; <a href="/Pages/Accessibility.aspx">Accessibility statement</a></div></div>
</div>
</div>
</form>
</body>
</html>
