"""A document's own number (文号) told from the numbers it cites: what ingest stores and citations show."""

from __future__ import annotations

from kb.store.document_number import DocumentNumber, document_numbers, own_number


def test_a_number_is_written_one_way_whatever_brackets_and_spaces_it_came_in():
    assert [str(n) for n in document_numbers("人社厅明电[2020] 7号、川办发（2020）第06号")] == [
        "人社厅明电〔2020〕7号",
        "川办发〔2020〕6号",
    ]
    assert document_numbers("税务总局还发布了[2020]6号公告") == []  # no code left: not a number
    # The small and the lenticular brackets some notices use.
    assert [str(n) for n in document_numbers("肺炎机制发﹝2020﹞21号、工信明电【2020】7号")] == [
        "肺炎机制发〔2020〕21号",
        "工信明电〔2020〕7号",
    ]
    assert DocumentNumber("财社", "2020", "2") == ("财社", "2020", "2")


def test_the_number_after_a_title_is_the_documents_own_without_the_titles_words():
    flattened = "财政部 税务总局关于阶段性减免企业社会保险费的通知人社部发〔2020〕11号 各省、自治区、直辖市人民政府："
    assert own_number(flattened) == "人社部发〔2020〕11号"
    assert (
        own_number("吉林省人民政府关于同意嫩江大桥收费站开通收费的批复吉政函〔2023〕49号白城市人民政府：")
        == "吉政函〔2023〕49号"
    )
    assert (
        own_number("关于印发某某指南的通知\n国卫基层家医便函〔2020〕2号\n各省卫生健康委：")
        == "国卫基层家医便函〔2020〕2号"
    )
    assert own_number("中华人民共和国国务院令第495号") == "国务院令第495号"


def test_a_number_the_document_cites_or_applies_is_not_its_own():
    cited = (
        "各区：根据《交通运输部关于切实保障疫情防控物资运输车辆顺畅通行的紧急通知》（交运明电〔2020〕37号）文件要求，"
    )
    assert own_number(cited) == ""
    assert own_number("分行认真落实银发〔2020〕29号等文件精神，积极争取总行支持") == ""
    assert own_number("按照人社部发[2020]11号文件执行") == ""
    # The own number first, a cited one after it: the own one.
    assert own_number("关于做好复工的通知 京政办发〔2020〕7号 根据《…》（国发电〔2020〕2号）") == "京政办发〔2020〕7号"
    # Past the title block a notice flattened to one paragraph is in its body: every number there is cited.
    assert own_number("某市关于支持企业的通知" + "各项措施如下。" * 80 + "京建发〔2020〕46号") == ""
