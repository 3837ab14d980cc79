<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html dir="ltr"><head><meta name="GENERATOR" content="Microsoft SharePoint" /><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
<title>Communiqués - Tous les éléments</title>
<link rel="stylesheet" type="text/css" href="/_layouts/1036/styles/core.css" /></head>
<body scroll="yes" onload="javascript:_spBodyOnLoadWrapper();">
<form name="aspnetForm" method="post" action="AllItems.aspx" id="aspnetForm">
<table class="ms-main" cellpadding="0" cellspacing="0" border="0" width="100%" height="100%">
<tr><td colspan="2"><table class="ms-globalbreadcrumb" cellpadding="0" cellspacing="0" width="100%"><tr><td nowrap="nowrap"><span id="ctl00_PlaceHolderGlobalNavigation_PlaceHolderGlobalNavigationSiteMap"><span><a href="/Pages/Accueil.aspx">Accueil du site</a></span><span> &gt; </span><span>Communiqués</span></span></td>
<td class="ms-globallinks"><a href="/_layouts/Authenticate.aspx?Source=%2FLists%2FCommuniques">Se connecter</a> | <a href="javascript:TopHelpButtonClick('NavBarHelpHome')">Aide</a></td></tr></table></td></tr>
<tr><td class="ms-titlearealeft" id="TitleAreaImageCell"><img src="/_layouts/images/titlegraphic.gif" alt="" /></td><td class="ms-titlearea"><h1 class="ms-pagetitle">Communiqués de presse</h1></td></tr>
<tr><td class="ms-nav" valign="top"><div class="ms-quicklaunchouter"><div class="ms-quickLaunch"><h3 class="ms-standardheader"><span class="ms-navheader">Listes</span></h3>
<table class="ms-navSubMenu1" cellpadding="0" cellspacing="0"><tr><td><a class="ms-navitem" href="/Lists/Communiques/AllItems.aspx">Communiqués de presse</a></td></tr><tr><td><a class="ms-navitem" href="/Lists/Calendrier/calendar.aspx">Calendrier des réunions</a></td></tr><tr><td><a class="ms-navitem" href="/Documents%20partages/Forms/AllItems.aspx">Documents partagés</a></td></tr></table></div></div></td>
<td class="ms-bodyareacell" valign="top"><div id="WebPartWPQ1">
<table class="ms-listviewtable" cellpadding="1" cellspacing="0" border="0" width="100%" summary="Communiqués">
<tr class="ms-viewheadertr" valign="top"><th class="ms-vh-icon">Type</th><th class="ms-vh2">Date</th><th class="ms-vh2">Titre</th><th class="ms-vh2">Auteur</th></tr>
<tr class="ms-itmhover"><td class="ms-vb-icon"><img border="0" src="/_layouts/images/icgen.gif" alt="Élément" /></td>
<td class="ms-vb2"><nobr>24-11-2004</nobr></td>
<td class="ms-vb-title" height="100%"><table height="100%" cellspacing="0" class="ms-unselectedtitle"><tr><td width="100%" class="ms-vb"><a onfocus="OnLink(this)" href="/Lists/Communiques/DispForm.aspx?ID=31&amp;Source=%2FLists%2FCommuniques" onclick="GoToLink(this);return false;" target="_self">Réunion d&#x27;experts à Genève : conclusions</a></td></tr></table></td>
<td class="ms-vb2"><nobr>Service de presse</nobr></td></tr>
<tr class="ms-alternating ms-itmhover"><td class="ms-vb-icon"><img border="0" src="/_layouts/images/icgen.gif" alt="Élément" /></td>
<td class="ms-vb2"><nobr>09-11-2004</nobr></td>
<td class="ms-vb-title" height="100%"><table height="100%" cellspacing="0" class="ms-unselectedtitle"><tr><td width="100%" class="ms-vb"><a onfocus="OnLink(this)" href="/Lists/Communiques/DispForm.aspx?ID=30&amp;Source=%2FLists%2FCommuniques" onclick="GoToLink(this);return false;" target="_self">Atelier régional sur l&#x27;assistance aux victimes</a></td></tr></table></td>
<td class="ms-vb2"><nobr>Service de presse</nobr></td></tr>
<tr class="ms-itmhover"><td class="ms-vb-icon"><img border="0" src="/_layouts/images/icgen.gif" alt="Élément" /></td>
<td class="ms-vb2"><nobr>28-10-2004</nobr></td>
<td class="ms-vb-title" height="100%"><table height="100%" cellspacing="0" class="ms-unselectedtitle"><tr><td width="100%" class="ms-vb"><a onfocus="OnLink(this)" href="{{BASE}}//Lists/Communiques/DispForm.aspx?ID=29" onclick="GoToLink(this);return false;" target="_self">Visite du Président au Mozambique</a></td></tr></table></td>
<td class="ms-vb2"><nobr>Service de presse</nobr></td></tr>
<tr class="ms-alternating ms-itmhover"><td class="ms-vb-icon"><img border="0" src="/_layouts/images/icgen.gif" alt="Élément" /></td>
<td class="ms-vb2"><nobr>04-10-2004</nobr></td>
<td class="ms-vb-title" height="100%"><table height="100%" cellspacing="0" class="ms-unselectedtitle"><tr><td width="100%" class="ms-vb"><a onfocus="OnLink(this)" href="/Lists/Communiques/DispForm.aspx?ID=27&amp;Source=%2FLists%2FCommuniques" onclick="GoToLink(this);return false;" target="_self">Rapport annuel 2003 publié</a></td></tr></table></td>
<td class="ms-vb2"><nobr>Service de presse</nobr></td></tr>
</table>
<table class="ms-bottompaging"><tr><td class="ms-paging">1 - 4</td><td><a href="javascript:" onclick="javascript:SubmitFormPost('?Paged=TRUE&amp;p_ID=27&amp;View=%7b3B4E%7d');return false;"><img src="/_layouts/images/next.gif" alt="Suivant" /></a></td></tr></table>
</div></td></tr></table></form></body></html>
