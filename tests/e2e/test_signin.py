import re

from playwright.sync_api import expect

from zhengwu.core.demo import demo_password

FONT_SIZE = "() => parseFloat(getComputedStyle(document.body).fontSize)"


def test_stylesheets_and_scripts_are_served(page, demo_county):
    statics = []
    page.on("response", lambda r: statics.append((r.url, r.status)) if "/static/" in r.url else None)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert len(statics) >= 5, statics
    missing = [url for url, status in statics if status != 200]
    assert not missing, f"static files not served (is src/zhengwu/static in STATICFILES_DIRS?): {missing}"


def test_staff_member_signs_in_and_sees_their_workbench(page, demo_county, sign_in, shot):
    sign_in("clerk", demo_password())
    expect(page).to_have_url(re.compile(r"/workbench/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("您好,张丽华")
    top_bar = page.get_by_role("banner")
    expect(top_bar).to_contain_text("张丽华")
    expect(top_bar).to_contain_text("贵溪市政务服务管理办公室")
    expect(page.get_by_role("main")).to_contain_text("1号窗口 综合窗口(无差别受理)")
    expect(page.get_by_role("navigation", name="工作台栏目").get_by_text("办件")).to_be_visible()
    # The stylesheets arrived: Bootstrap hides the skip link until focused, ours sets its marker property.
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.zw-skip-link')).position")
        == "absolute"
    )
    marker = "() => getComputedStyle(document.documentElement).getPropertyValue('--zw-loaded').trim()"
    assert page.evaluate(marker) == "1"
    shot()


def test_wrong_password_says_so_clearly(page, demo_county, sign_in, shot):
    sign_in("clerk", "not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    expect(page.get_by_label("用户名")).to_have_value("clerk")
    shot()


def test_portal_home_and_care_mode_enlarges_text_and_survives_reload(page, demo_county, visit, shot):
    visit("/")
    expect(page.get_by_role("banner")).to_contain_text("贵溪市政务服务网")
    expect(page.get_by_role("searchbox", name="搜索办事事项、政策文件和常见问题")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_contain_text("贵溪市政务服务中心")
    switch = page.get_by_role("button", name=re.compile("关怀模式"))
    expect(switch).to_have_attribute("aria-pressed", "false")
    normal = page.evaluate(FONT_SIZE)

    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    enlarged = page.evaluate(FONT_SIZE)
    assert enlarged >= normal * 1.2, (normal, enlarged)
    shot()

    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("button", name=re.compile("关怀模式"))).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(FONT_SIZE) == enlarged
    shot()

    page.get_by_role("button", name=re.compile("关怀模式")).click()
    assert page.evaluate(FONT_SIZE) == normal


def test_search_from_the_portal_home(page, demo_county, visit, shot):
    visit("/")
    page.get_by_role("searchbox", name="搜索办事事项、政策文件和常见问题").fill("营业执照")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.get_by_role("status")).to_contain_text("您搜索的是“营业执照”")
    shot()


def test_skip_link_is_the_first_stop_for_the_keyboard(page, demo_county, visit):
    visit("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 10  # visible once focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_sign_out_returns_to_the_sign_in_page(page, demo_county, sign_in, shot):
    sign_in("manager", demo_password())
    expect(page.get_by_role("banner")).to_contain_text("王芳")
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    shot()
    page.goto("/workbench/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/workbench/"))


def test_portal_fits_a_phone(page, demo_county, visit, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    visit("/")
    sections = page.get_by_role("navigation", name="主导航")
    expect(sections.get_by_text("政务公开")).to_be_hidden()
    sections.get_by_role("button", name="栏目").click()
    expect(sections.get_by_text("政务公开")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
    shot()
