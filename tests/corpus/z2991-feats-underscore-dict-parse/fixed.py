import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(31)
torch.manual_seed(31)

STEMS = ["aqa", "ilin", "soma", "teru", "vakku", "oru"]
CASES = {"": "Nom", "ssa": "Ine", "lta": "Abl", "lle": "All", "n": "Gen"}
NUMBERS = {"": "Sing", "t": "Plur"}
FEATURES = ["Case", "Number"]

GOLD_TEST = """# sent_id = gold-01
# text = aqat ilinssa .
1\taqat\taqa\tNOUN\t_\tCase=Nom|Number=Plur\t0\troot\t_\t_
2\tilinssa\tilin\tNOUN\t_\tCase=Ine|Number=Sing\t1\tnmod\t_\t_
3\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_

# sent_id = gold-02
1\tsomalta\tsoma\tNOUN\t_\tCase=Abl|Number=Sing\t0\troot\t_\t_
2\toru\toru\tNOUN\t_\tCase=Nom|Number=Sing\t1\tnmod\t_\t_
"""


def synth(n):
    out = []
    for k in range(n):
        out.append(f"# sent_id = s{k}")
        for i in range(1, random.randint(2, 7) + 1):
            stem, num, case = random.choice(STEMS), random.choice(list(NUMBERS)), random.choice(list(CASES))
            form = stem + num + case
            out.append(f"{i}\t{form}\t{stem}\tNOUN\t_\tCase={CASES[case]}|Number={NUMBERS[num]}\t0\tdep\t_\t_")
        out.append("")
    return "\n".join(out)


def load_conllu(text):
    sentences, cur = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("#"):
            continue
        if not line.strip():
            if cur:
                sentences.append(cur)
                cur = []
            continue
        cols = line.split("\t")
        feats = dict(kv.split("=") for kv in cols[5].split("|")) if cols[5] != "_" else {}
        cur.append((cols[1], feats))
    return sentences


class MorphBert(nn.Module):
    def __init__(self, config, label_maps):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.heads = nn.ModuleDict({f: nn.Linear(config.hidden_size, len(m) + 1) for f, m in label_maps.items()})

    def forward(self, input_ids, attention_mask):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return {f: head(h) for f, head in self.heads.items()}


def encode(sents, tok, label_maps):
    enc = tok([[w for w, _ in s] for s in sents], is_split_into_words=True,
              padding=True, return_tensors="pt")
    labels = {f: torch.full(enc["input_ids"].shape, -100, dtype=torch.long) for f in label_maps}
    for b, sent in enumerate(sents):
        prev = None
        for pos, wid in enumerate(enc.word_ids(b)):
            if wid is not None and wid != prev:
                for f, m in label_maps.items():
                    labels[f][b, pos] = m.get(sent[wid][1].get(f, "_"), len(m))
            prev = wid
    return enc, labels


def main():
    workdir = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(__file__)))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "."] + STEMS
    vocab += sorted({"##" + p for p in list(CASES) + list(NUMBERS) + ["tssa", "tlta", "tlle", "tn"] if p})
    vocab_file = os.path.join(workdir, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_file)

    train = load_conllu(synth(60))
    label_maps = {f: {v: i for i, v in enumerate(sorted({fs[f] for s in train for _, fs in s}))} for f in FEATURES}

    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = MorphBert(cfg, label_maps)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    xent = nn.CrossEntropyLoss(ignore_index=-100)

    try:
        for epoch in range(3):
            random.shuffle(train)
            for i in range(0, len(train), 10):
                enc, labels = encode(train[i:i + 10], tok, label_maps)
                out = model(enc["input_ids"], enc["attention_mask"])
                loss = sum(xent(out[f].flatten(0, 1), labels[f].flatten()) for f in FEATURES)
                opt.zero_grad()
                loss.backward()
                opt.step()
            print(f"epoch {epoch} last-batch loss {loss.item():.3f}")

        test = load_conllu(GOLD_TEST)
        model.eval()
        with torch.no_grad():
            enc, labels = encode(test, tok, label_maps)
            out = model(enc["input_ids"], enc["attention_mask"])
            for f in FEATURES:
                mask = labels[f] != -100
                acc = (out[f].argmax(-1)[mask] == labels[f][mask]).float().mean().item()
                print(f"{f}: {acc:.2%}")
    finally:
        os.remove(vocab_file)
        os.rmdir(workdir)


if __name__ == "__main__":
    main()
