"""Every label the UI shows, in 繁體, 简体 and English; chosen by script mode and ui_language.

Labels follow the script mode: 简体 labels in 简体 mode, 繁體 labels in 繁體 and original mode,
English whenever the config says ``ui_language = "en"``.
"""

from __future__ import annotations

# key -> (繁體, 简体, English)
LABELS: dict[str, tuple[str, str, str]] = {
    # The same story from other feeds (issue 15): on its list row, and in the reading pane.
    "also_in": ("也見於 {feeds}", "也见于 {feeds}", "also in {feeds}"),
    "feeds_separator": ("、", "、", ", "),
    "copy_of": (
        "第 {index}/{count} 份：{feed}（按 c 換一份）",
        "第 {index}/{count} 份：{feed}（按 c 换一份）",
        "copy {index} of {count}: {feed} (c for another)",
    ),
    "starred": ("★ 星標", "★ 星标", "★ Starred"),
    "search_results": ("搜尋結果", "搜索结果", "Search results"),
    "no_articles": (
        "這裡還沒有文章。按 r 更新；用 reader add 網址 --section 名稱 加入來源。",
        "这里还没有文章。按 r 更新；用 reader add 网址 --section 名称 加入来源。",
        "No articles here yet. Press r to refresh; add feeds with reader add URL --section NAME.",
    ),
    "no_starred": (
        "還沒有星標文章。在文章上按 s 加星標。",
        "还没有星标文章。在文章上按 s 加星标。",
        "No starred articles yet. Press s on an article to star it.",
    ),
    "no_article_selected": (
        "選一篇文章，按 Enter 閱讀。",
        "选一篇文章，按 Enter 阅读。",
        "Select an article and press Enter to read it.",
    ),
    "index_rebuilding": (
        "正在為新版本重建搜尋索引（{count} 篇），完成前搜尋結果不完整。",
        "正在为新版本重建搜索索引（{count} 篇），完成前搜索结果不完整。",
        "Rebuilding the search index for this version ({count} articles); until it is done,"
        " search finds only part of them.",
    ),
    "index_rebuilt": ("搜尋索引已重建。", "搜索索引已重建。", "The search index is rebuilt."),
    "online": ("線上", "在线", "online"),
    "offline": ("離線", "离线", "offline"),
    "never_refreshed": ("尚未更新", "尚未更新", "not refreshed yet"),
    "refreshed_at": ("{time}更新", "{time}更新", "refreshed {time}"),
    "refreshing": (
        "更新中 {done}/{total} 個來源",
        "更新中 {done}/{total} 个来源",
        "refreshing {done}/{total} feeds",
    ),
    "failed_feeds": ("{count} 個來源失敗", "{count} 个来源失败", "{count} feeds failed"),
    "new_articles": ("{count} 篇新文章", "{count} 篇新文章", "{count} new articles"),
    "changes_waiting": (
        "{count} 項變更待同步",
        "{count} 项变更待同步",
        "{count} changes waiting to sync",
    ),
    "refresh_failed": (
        "{count} 個來源無法更新，按 F 查看",
        "{count} 个来源无法更新，按 F 查看",
        "{count} feeds could not be refreshed; press F to see why",
    ),
    "refresh_busy": ("正在更新，請稍候", "正在更新，请稍候", "A refresh is already running"),
    "mode_original": ("原文", "原文", "as published"),
    "mode_hans": ("简体", "简体", "简体 (Simplified)"),
    "mode_hant": ("繁體", "繁體", "繁體 (Traditional)"),
    "script_now": ("文字：{script}", "文字：{script}", "Script: {script}"),
    "confirm_mark_section": (
        "把「{section}」全部標為已讀？",
        "把“{section}”全部标为已读？",
        "Mark everything in “{section}” read?",
    ),
    "yes": ("是 (y)", "是 (y)", "Yes (y)"),
    "no": ("否 (n)", "否 (n)", "No (n)"),
    "marked_read": ("已標為已讀：{count} 篇", "已标为已读：{count} 篇", "Marked {count} read"),
    "no_link": ("這篇文章沒有連結", "这篇文章没有链接", "This article has no link"),
    "copied": ("已複製連結", "已复制链接", "Link copied"),
    "opening": ("在瀏覽器中打開", "在浏览器中打开", "Opening in the browser"),
    "no_more_unread": ("沒有未讀文章了", "没有未读文章了", "No more unread articles"),
    "full_text_fetching": ("正在擷取全文…", "正在提取全文…", "Fetching the full text…"),
    "full_text_failed": (
        "無法取得全文，仍顯示摘要：{reason}",
        "无法获取全文，仍显示摘要：{reason}",
        "Full text not available, showing the feed's text: {reason}",
    ),
    "full_text_shown": (
        "已顯示網頁全文",
        "已显示网页全文",
        "Showing the full text from the web page",
    ),
    "feed_text_shown": (
        "已顯示來源提供的內容",
        "已显示来源提供的内容",
        "Showing the feed's own text",
    ),
    "search_prompt": ("搜尋（簡繁皆可）", "搜索（简繁皆可）", "Search (either script)"),
    "search_none": ("找不到符合的文章", "找不到符合的文章", "Nothing found"),
    "search_count": ("找到 {count} 篇", "找到 {count} 篇", "{count} found"),
    "search_partial": (
        "（搜尋索引重建中，結果還不完整）",
        "（搜索索引重建中，结果还不完整）",
        " (the search index is being rebuilt: results are incomplete)",
    ),
    "help_title": ("按鍵說明", "按键说明", "Keys"),
    "help_close": ("按 Esc 或 ? 關閉", "按 Esc 或 ? 关闭", "Esc or ? closes this"),
    "failed_title": ("失敗的來源", "失败的来源", "Failed feeds"),
    "failed_none": ("所有來源都正常", "所有来源都正常", "Every feed is fine"),
    "never_fetched": ("從未抓取", "从未抓取", "never fetched"),
    "image": ("[圖]", "[图]", "[image]"),
    "error_title": ("出了點問題", "出了点问题", "Something went wrong"),
    "unstarred": ("已取消星標", "已取消星标", "Unstarred"),
    "starred_note": ("已加星標", "已加星标", "Starred"),
    "just_now": ("剛剛", "刚刚", "just now"),
    "minutes_ago": ("{n} 分鐘前", "{n} 分钟前", "{n}m ago"),
    "hours_ago": ("{n} 小時前", "{n} 小时前", "{n}h ago"),
    "days_ago": ("{n} 天前", "{n} 天前", "{n}d ago"),
    "by_author": ("作者：{author}", "作者：{author}", "by {author}"),
    # Key descriptions (footer, help screen, command palette)
    "key_section": ("跳到分欄", "跳到栏目", "Go to section"),
    "key_next_section": ("下一欄", "下一栏", "Next section"),
    "key_prev_section": ("上一欄", "上一栏", "Previous section"),
    "key_down": ("下一篇", "下一篇", "Down"),
    "key_up": ("上一篇", "上一篇", "Up"),
    "key_first": ("第一篇", "第一篇", "First"),
    "key_last": ("最後一篇", "最后一篇", "Last"),
    "key_open": ("閱讀", "阅读", "Open"),
    "key_back": ("返回", "返回", "Back"),
    "key_page": ("翻頁", "翻页", "Page"),
    "key_next_unread": ("下篇未讀", "下篇未读", "Next unread"),
    "key_prev_unread": ("上篇未讀", "上篇未读", "Previous unread"),
    "key_toggle_read": ("已讀/未讀", "已读/未读", "Read/unread"),
    "key_mark_section": ("全部已讀", "全部已读", "Mark section read"),
    "key_star": ("星標", "星标", "Star"),
    "key_browser": ("瀏覽器", "浏览器", "Browser"),
    "key_copy": ("複製連結", "复制链接", "Copy link"),
    "key_script": ("簡/繁", "简/繁", "Script"),
    "key_full_text": ("全文", "全文", "Full text"),
    "key_next_copy": (
        "同一新聞的下一個來源",
        "同一新闻的下一个来源",
        "The same story from its next feed",
    ),
    "no_copies": (
        "這篇新聞只有一個來源。",
        "这篇新闻只有一个来源。",
        "This story comes from one feed only.",
    ),
    "key_refresh": ("更新", "更新", "Refresh"),
    "key_refresh_all": ("全部更新", "全部更新", "Refresh all"),
    "key_search": ("搜尋", "搜索", "Search"),
    "key_help": ("說明", "说明", "Help"),
    "key_quit": ("離開", "退出", "Quit"),
    "key_failed": ("失敗來源", "失败来源", "Failed feeds"),
    "key_palette": ("命令", "命令", "Commands"),
    # Textual's own commands in the palette, and its prompts
    "cmd_theme": ("主題", "主题", "Theme"),
    "cmd_theme_help": ("換一個配色主題", "换一个配色主题", "Change the colour theme"),
    "cmd_quit": ("離開", "退出", "Quit"),
    "cmd_quit_help": ("立刻離開閱讀器", "立刻退出阅读器", "Quit the reader now"),
    "cmd_keys": ("按鍵面板", "按键面板", "Keys"),
    "cmd_keys_show": (
        "顯示目前可用按鍵的面板",
        "显示当前可用按键的面板",
        "Show a panel of the keys available here",
    ),
    "cmd_keys_hide": ("隱藏按鍵面板", "隐藏按键面板", "Hide the keys panel"),
    "cmd_maximize": ("放大", "放大", "Maximize"),
    "cmd_maximize_help": (
        "讓目前的區塊佔滿畫面",
        "让当前的区块占满画面",
        "Fill the screen with the focused part",
    ),
    "cmd_minimize": ("還原", "还原", "Minimize"),
    "cmd_minimize_help": ("把放大的區塊還原", "把放大的区块还原", "Restore the maximized part"),
    "cmd_screenshot": ("截圖", "截图", "Screenshot"),
    "cmd_screenshot_help": (
        "把目前畫面存成 SVG 圖檔",
        "把当前画面存成 SVG 图档",
        "Save the screen as an SVG picture",
    ),
    "palette_prompt": ("搜尋命令…", "搜索命令…", "Search for commands…"),
    "theme_prompt": ("搜尋主題…", "搜索主题…", "Search for themes…"),
    "key_narrow_list": ("列表變窄", "列表变窄", "Narrower list"),
    "key_widen_list": ("列表變寬", "列表变宽", "Wider list"),
    "key_list_only": ("只看列表", "只看列表", "List alone"),
    "key_row_lines": ("單行/雙行", "单行/双行", "One/two-line rows"),
    "key_images": ("顯示/隱藏圖片", "显示/隐藏图片", "Show/hide photos"),
    "images_shown": ("顯示圖片", "显示图片", "Photos shown"),
    "images_hidden": ("隱藏圖片", "隐藏图片", "Photos hidden"),
    # ---- the habits newsboat users bring (issue 17) ----
    "key_pipe": ("送給程式", "送给程序", "Pipe to a program"),
    "key_save": ("存成 Markdown", "存成 Markdown", "Save as Markdown"),
    "key_bookmark": ("加書籤", "加书签", "Bookmark"),
    "key_links": ("文中連結", "文中链接", "Links in the article"),
    "key_link_number": (
        "開第幾個連結（全屏閱讀時）",
        "开第几个链接（全屏阅读时）",
        "Open link n (reading)",
    ),
    "key_link_go": ("開輸入的連結號", "开输入的链接号", "Open the link typed"),
    "key_hide_read": ("隱藏已讀", "隐藏已读", "Hide read"),
    "key_sort": ("排序方式", "排序方式", "Sort order"),
    "pipe_prompt": (
        "送給哪個程式（例如 wc -m）",
        "送给哪个程序（例如 wc -m）",
        "Pipe to (e.g. wc -m)",
    ),
    "pipe_done": ("程式沒有輸出", "程序没有输出", "The program printed nothing"),
    "program_failed": ("程式失敗：{error}", "程序失败：{error}", "Program failed: {error}"),
    "saved_to": ("已存到 {path}", "已存到 {path}", "Saved to {path}"),
    "save_failed": ("無法存檔：{error}", "无法存档：{error}", "Cannot save: {error}"),
    "bookmarked": ("已加書籤", "已加书签", "Bookmarked"),
    "no_open_article": ("先打開一篇文章", "先打开一篇文章", "Open an article first"),
    "no_links": ("這篇文章沒有連結", "这篇文章没有链接", "This article has no links"),
    "no_such_link": ("沒有第 {number} 個連結", "没有第 {number} 个链接", "No link {number}"),
    "links_title": (
        "文中連結（輸入號碼或選一個）",
        "文中链接（输入号码或选一个）",
        "Links (type a number or pick one)",
    ),
    "opening_link": ("開啟連結 [{number}]", "开启链接 [{number}]", "Opening link [{number}]"),
    "source_label": ("原文網址", "原文网址", "Source"),
    "hide_read_on": ("只看未讀", "只看未读", "Unread only"),
    "hide_read_off": ("顯示全部文章", "显示全部文章", "All articles"),
    "sort_newest": ("最新在前", "最新在前", "newest first"),
    "sort_oldest": ("最舊在前", "最旧在前", "oldest first"),
    "sort_feed": ("按來源", "按来源", "by feed"),
    "sort_title": ("按標題", "按标题", "by title"),
    "sort_now": ("排序：{order}", "排序：{order}", "Sort: {order}"),
    "notify_failed": (
        "通知程式失敗：{error}",
        "通知程序失败：{error}",
        "notify_command failed: {error}",
    ),
}


def label_index(mode: str, ui_language: str) -> int:
    """Which of the three forms to use: 0 繁體, 1 简体, 2 English."""
    if ui_language == "en":
        return 2
    return 1 if mode == "hans" else 0


def label(key: str, mode: str = "original", ui_language: str = "zh", **values: object) -> str:
    """The label `key` in the right form, with `{name}` fields filled from `values`."""
    text = LABELS[key][label_index(mode, ui_language)]
    return text.format(**values) if values else text
