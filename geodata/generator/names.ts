/** Synthetic name pools (streets, communities, compounds, people, shops). All generated names are fictitious. */
import type { Rng } from '../../common/rng';

export const ROAD_STEMS = [
  '人民', '华中', '宜城', '孝肃', '新河', '龙山', '菱湖', '湖心', '大观', '双井', '德宽', '吴越', '沿江', '光彩', '集贤',
  '皖江', '天柱', '皖山', '建设', '纺织', '玉琳', '石化', '迎江', '枞阳门', '四照园', '墨子', '龙门', '太平', '高琦',
  '任家坡', '登云', '清节', '钱牌', '国货', '锡麟', '近圣', '倒扒狮', '棋盘山', '马山', '湖滨', '振风', '长风', '龙狮',
  '新洲', '盛唐', '同安', '独秀', '大龙山', '百子', '康熙河', '安庆', '文昌', '育才', '和平', '前进', '东风', '胜利',
  '红旗', '光明', '联合', '工农', '朝阳', '向阳', '兴业', '繁荣', '富民', '振兴', '安居', '乐园', '永安', '长春', '新村',
  '青年', '八一', '五一', '环城', '滨江', '港口', '码头', '渡口', '金山', '银山', '望江', '石门', '柳溪', '梅园', '桃源',
  '竹林', '松柏', '桂花', '荷塘', '杏花', '茶亭', '书院', '学府', '状元', '秀才', '儒林', '翰林', '宣城', '徽州', '池州',
];
const DIRS = ['', '东', '西', '南', '北', '中'];
const ORD = ['', '一', '二', '三', '四', '五'];

/** Hands out unique names built from stems and suffixes; deterministic for a given rng. */
export class NamePool {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng, private readonly stems: readonly string[] = ROAD_STEMS) {}

  next(suffix: string): string {
    for (let attempt = 0; attempt < 200; attempt++) {
      const stem = this.rng.pick(this.stems);
      const d = attempt < 20 ? '' : this.rng.pick(attempt < 60 ? DIRS : ORD);
      const name = stem + d + suffix;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
    const n = `${this.rng.pick(this.stems)}${this.used.size}${suffix}`;
    this.used.add(n);
    return n;
  }
}

export const COMMUNITY_STEMS = [
  '菱湖', '湖心', '龙山', '宜城', '双井', '四照园', '墨子巷', '清节堂', '倒扒狮', '钱牌楼', '近圣街', '国货街', '锡麟街',
  '玉琳路', '光彩', '太平寺', '大南门', '小南门', '枞阳门', '东门', '西门', '北门', '沿江', '江畔', '新河', '孝肃',
  '华中', '人民路', '天后宫', '玉虹', '绿地', '纺织南', '石化', '振风', '迎江寺', '高花亭', '任家坡', '登云坡', '集贤',
  '皖江', '长风', '新洲', '龙狮', '兴旺', '同心', '和谐', '幸福', '永丰', '民主', '先锋', '联丰', '红光', '五星', '合兴',
];

export const COMPOUND_SUFFIX = ['小区', '花园', '家园', '苑', '新村', '公寓', '名苑', '雅居', '华府', '佳园'];
export const COMPOUND_STEMS = [
  '锦江', '碧水', '金色', '阳光', '翠湖', '江山', '滨江', '世纪', '盛世', '华庭', '丽景', '书香', '康乐', '金桂', '紫荆',
  '银杏', '梧桐', '香樟', '玉兰', '海棠', '丽水', '清风', '明月', '江湾', '水岸', '望江', '临江', '观澜', '怡景', '凤凰',
  '天鹅', '东方', '新城', '时代', '御景', '雅园', '静安', '恒泰', '宏达', '华瑞', '和美', '欣欣', '安泰', '福寿', '龙湖',
];

export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '汪', '田', '董', '潘', '袁', '蒋', '蔡', '余',
  '杜', '叶', '程', '方', '丁', '江', '檀', '储', '查', '姚',
];
export const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平',
  '刚', '桂英', '建华', '建国', '玉兰', '志强', '海燕', '文', '斌', '辉', '华', '红', '峰', '俊', '琴', '云', '婷', '雪',
  '丹', '鹏', '亮', '宁', '凤', '兰', '梅', '萍', '鑫', '浩', '宇', '晨', '欣', '佳', '怡', '子涵', '思远', '国庆', '春生',
];

export function personName(rng: Rng): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.35) ? rng.pick(GIVEN).slice(0, 1) : '');
}

/** A synthetic 11-digit mobile number (not a real subscriber). */
export function mobile(rng: Rng): string {
  const pre = rng.pick(['138', '139', '150', '151', '155', '156', '177', '180', '187', '189']);
  let s = pre;
  for (let i = 0; i < 8; i++) s += String(rng.int(0, 9));
  return s;
}

/** A synthetic Anqing landline (area code 0556). */
export function landline(rng: Rng): string {
  let s = '0556-5';
  for (let i = 0; i < 6; i++) s += String(rng.int(0, 9));
  return s;
}

export const SHOP_CATEGORIES: Array<{ category: string; weight: number; words: string[] }> = [
  { category: 'restaurant', weight: 24, words: ['小吃', '面馆', '饭店', '烧烤', '牛肉汤', '包子铺', '火锅', '江鲜馆', '快餐'] },
  { category: 'grocery', weight: 16, words: ['便利店', '超市', '粮油店', '水果店', '生鲜店', '烟酒店'] },
  { category: 'clothing', weight: 10, words: ['服装店', '鞋店', '童装', '布艺'] },
  { category: 'beauty', weight: 8, words: ['理发店', '美容院', '美甲'] },
  { category: 'pharmacy', weight: 5, words: ['大药房', '诊所'] },
  { category: 'hardware', weight: 6, words: ['五金店', '电器行', '灯具店', '建材'] },
  { category: 'services', weight: 10, words: ['快递驿站', '洗衣店', '维修部', '打印店', '房产中介', '通讯店'] },
  { category: 'tea_snacks', weight: 9, words: ['茶叶店', '奶茶店', '糕点', '胡玉美酱园', '江毛水饺'] },
  { category: 'entertainment', weight: 4, words: ['棋牌室', '网吧', 'KTV', '台球室'] },
  { category: 'education', weight: 3, words: ['培训中心', '书店', '文具店'] },
  { category: 'auto', weight: 5, words: ['电动车行', '汽修店', '洗车店'] },
];
