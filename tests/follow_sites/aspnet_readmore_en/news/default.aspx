<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head id="ctl00_Head1"><title>
	News - Mine Action Coordination Centre
</title><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><link href="../App_Themes/Default/site.css" type="text/css" rel="stylesheet" /></head>
<body>
    <form name="aspnetForm" method="post" action="default.aspx" id="aspnetForm">
<div>
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIDD2QWAgIBD2QWAgIDDxYCHgtfIUl0ZW1Db3VudAIHZGRk" />
</div>
<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['aspnetForm'];
function __doPostBack(eventTarget, eventArgument) { theForm.__EVENTTARGET.value = eventTarget; theForm.submit(); }
//]]>
</script>
    <div id="wrapper">
        <div id="header">
            <a href="../default.aspx" id="logo"><img src="../images/macc-logo.gif" alt="Mine Action Coordination Centre" /></a>
            <div id="topLinks"><a href="../contact.aspx">Contact us</a> | <a href="../sitemap.aspx">Site map</a> | <a href="../dari/default.aspx">دری</a> | <a href="../pashto/default.aspx">پښتو</a></div>
        </div>
        <div id="menu">
            <ul>
                <li><a href="../default.aspx">Home</a></li>
                <li><a href="../about/default.aspx">About the Centre</a></li>
                <li><a class="selected" href="default.aspx">News and events</a></li>
                <li><a href="../operations/default.aspx">Operations and statistics</a></li>
                <li><a href="../publications/default.aspx">Publications and reports</a></li>
            </ul>
        </div>
        <div id="body">
            <div id="leftCol">
                <h3>In this section</h3>
                <ul class="subnav">
                    <li><a href="default.aspx">Latest news</a></li>
                    <li><a href="events.aspx">Upcoming events</a></li>
                    <li><a href="gallery.aspx">Photo gallery</a></li>
                </ul>
            </div>
            <div id="mainCol">
                <h1>Latest news</h1>
                <div class="news-row">
                    <h4>Mine Action Centre hands over 52 hectares in Kandahar province</h4>
                    <span id="ctl00_MainContent_rptNews_ctl00_lblDate" class="news-date">Tuesday, 26 November 2024</span>
                    <p>The Mine Action Coordination Centre reports on its operations and on the support received from its partners.</p>
                    <a id="ctl00_MainContent_rptNews_ctl00_lnkMore" class="read-more" href="detail.aspx?id=1042">Read more &rsaquo;</a>
                </div>
                <div class="news-row">
                    <h4>Risk education teams reach returnee families at the border</h4>
                    <span id="ctl00_MainContent_rptNews_ctl01_lblDate" class="news-date">Tuesday, 12 November 2024</span>
                    <p>The Mine Action Coordination Centre reports on its operations and on the support received from its partners.</p>
                    <a id="ctl00_MainContent_rptNews_ctl01_lnkMore" class="read-more" href="detail.aspx?id=1039">Read more &rsaquo;</a>
                </div>
                <div class="news-row">
                    <h4>Quarterly report July–September 2024 published</h4>
                    <span id="ctl00_MainContent_rptNews_ctl02_lblDate" class="news-date">Monday, 21 October 2024</span>
                    <p>The Mine Action Coordination Centre reports on its operations and on the support received from its partners.</p>
                    <a id="ctl00_MainContent_rptNews_ctl02_lnkMore" class="read-more" href="detail.aspx?id=1035">Read more &rsaquo;</a>
                </div>
                <div class="news-row">
                    <h4>Survey confirms contamination in three new districts</h4>
                    <span id="ctl00_MainContent_rptNews_ctl03_lblDate" class="news-date">Thursday, 3 October 2024</span>
                    <p>The Mine Action Coordination Centre reports on its operations and on the support received from its partners.</p>
                    <a id="ctl00_MainContent_rptNews_ctl03_lnkMore" class="read-more" href="detail.aspx?id=1031">Read more &rsaquo;</a>
                </div>
                <div class="news-row">
                    <h4>National standards revised after consultation with partners</h4>
                    <span id="ctl00_MainContent_rptNews_ctl04_lblDate" class="news-date">Monday, 16 September 2024</span>
                    <p>The Mine Action Coordination Centre reports on its operations and on the support received from its partners.</p>
                    <a id="ctl00_MainContent_rptNews_ctl04_lnkMore" class="read-more" href="detail.aspx?id=1027">Read more &rsaquo;</a>
                </div>
                <div class="news-row">
                    <h4>Donor coordination meeting held in Kabul</h4>
                    <span id="ctl00_MainContent_rptNews_ctl05_lblDate" class="news-date">Thursday, 29 August 2024</span>
                    <p>The Mine Action Coordination Centre reports on its operations and on the support received from its partners.</p>
                    <a id="ctl00_MainContent_rptNews_ctl05_lnkMore" class="read-more" href="detail.aspx?id=1022">Read more &rsaquo;</a>
                </div>
                <div class="news-row">
                    <h4>First female survey team certified in the western region</h4>
                    <span id="ctl00_MainContent_rptNews_ctl06_lblDate" class="news-date">Thursday, 8 August 2024</span>
                    <p>The Mine Action Coordination Centre reports on its operations and on the support received from its partners.</p>
                    <a id="ctl00_MainContent_rptNews_ctl06_lnkMore" class="read-more" href="detail.aspx?id=1018">Read more &rsaquo;</a>
                </div>
                <div class="pager">
                    <span>Page 1 of 12</span>
                    <a id="ctl00_MainContent_lnkNext" href="javascript:__doPostBack('ctl00$MainContent$lnkNext','')">Next page &raquo;</a>
                </div>
            </div>
        </div>
        <div id="footer">
            &copy; 2024 Mine Action Coordination Centre. All rights reserved. <a href="../disclaimer.aspx">Disclaimer</a>
        </div>
    </div>
    </form>
</body>
</html>
