import os
import random

import torch
from torch import nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "qa_vocab.txt")
MAX_LEN = 40
DOC_STRIDE = 12
MAX_QUERY = 12

WORDS = ("the a of in was is by and to at river city bridge built century tower museum "
         "founded who what when where which year old north south king queen library opened "
         "1850 1901 1923 stone iron painter collection named after village mill harbor").split()
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(SPECIAL + WORDS + ["##s", "##ed", "##er"]) + "\n")

tokenizer = BertTokenizer(VOCAB_PATH)


def make_example(i):
    year = random.choice(["1850", "1901", "1923"])
    thing = random.choice(["bridge", "tower", "museum", "library", "mill"])
    filler = " ".join(random.choice(WORDS[:20]) for _ in range(random.randint(20, 45)))
    context = f"{filler} the {thing} was built in {year} by the king of the city {filler[:60]}"
    question = f"when was the {thing} built"
    start_char = context.index(f"in {year}") + 3
    return {"id": f"q{i}", "context": context, "question": question,
            "answer_text": year, "answer_start": start_char}


def build_features(examples, pad_to=None):
    feats = []
    for ex in examples:
        q_tokens = tokenizer.tokenize(ex["question"])[:MAX_QUERY]
        words = ex["context"].split(" ")
        char_to_word, pos = [], 0
        for w_idx, w in enumerate(words):
            char_to_word.extend([w_idx] * (len(w) + 1))
        tok_to_word, doc_tokens, word_to_tok = [], [], []
        for w_idx, w in enumerate(words):
            word_to_tok.append(len(doc_tokens))
            for sub in tokenizer.tokenize(w):
                tok_to_word.append(w_idx)
                doc_tokens.append(sub)
        ans_word = char_to_word[ex["answer_start"]]
        ans_end_word = char_to_word[ex["answer_start"] + len(ex["answer_text"]) - 1]
        tok_start = word_to_tok[ans_word]
        tok_end = word_to_tok[ans_end_word]

        max_doc = MAX_LEN - len(q_tokens) - 3
        offset = 0
        while offset < len(doc_tokens):
            span_len = min(max_doc, len(doc_tokens) - offset)
            tokens = ["[CLS]"] + q_tokens + ["[SEP]"] + doc_tokens[offset:offset + span_len] + ["[SEP]"]
            seg = [0] * (len(q_tokens) + 2) + [1] * (span_len + 1)
            ids = tokenizer.convert_tokens_to_ids(tokens)
            mask = [1] * len(ids)
            q_off = len(q_tokens) + 2
            if offset <= tok_start and tok_end < offset + span_len:
                s, e = tok_start - offset + q_off, tok_end - offset + q_off
            else:
                s, e = 0, 0
            if pad_to is not None:
                gap = pad_to - len(ids)
                ids, mask, seg = ids + [0] * gap, mask + [0] * gap, seg + [0] * gap
            feats.append({"example_id": ex["id"], "input_ids": torch.tensor(ids),
                          "attention_mask": torch.tensor(mask), "token_type_ids": torch.tensor(seg),
                          "start_positions": torch.tensor(s), "end_positions": torch.tensor(e),
                          "doc_offset": offset, "q_off": q_off})
            if offset + span_len == len(doc_tokens):
                break
            offset += min(span_len, DOC_STRIDE)
    return feats


class FeatureSet(Dataset):
    def __init__(self, feats):
        self.feats = feats

    def __len__(self):
        return len(self.feats)

    def __getitem__(self, i):
        f = self.feats[i]
        return {k: f[k] for k in ("input_ids", "attention_mask", "token_type_ids",
                                  "start_positions", "end_positions")}


class SpanQA(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.qa_outputs = nn.Linear(cfg.hidden_size, 2)

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state
        start, end = self.qa_outputs(h).split(1, dim=-1)
        return start.squeeze(-1), end.squeeze(-1)


train_examples = [make_example(i) for i in range(24)]
dev_examples = [make_example(100 + i) for i in range(8)]
train_feats = build_features(train_examples, pad_to=MAX_LEN)
dev_feats = build_features(dev_examples)

cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
model = SpanQA(cfg)
opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
ce = nn.CrossEntropyLoss()

train_loader = DataLoader(FeatureSet(train_feats), batch_size=8, shuffle=True)
for epoch in range(2):
    model.train()
    for batch in train_loader:
        s_log, e_log = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        loss = (ce(s_log, batch["start_positions"]) + ce(e_log, batch["end_positions"])) / 2
        opt.zero_grad()
        loss.backward()
        opt.step()
    print(f"epoch {epoch} loss {loss.item():.4f}")

model.eval()
dev_loader = DataLoader(FeatureSet(dev_feats), batch_size=4)
best = {}
with torch.no_grad():
    feat_idx = 0
    for batch in dev_loader:
        s_log, e_log = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        for b in range(s_log.size(0)):
            f = dev_feats[feat_idx]
            feat_idx += 1
            s = int(s_log[b].argmax())
            e = int(e_log[b, s:].argmax()) + s
            score = float(s_log[b, s] + e_log[b, e])
            if f["example_id"] not in best or score > best[f["example_id"]][0]:
                best[f["example_id"]] = (score, s, e)
print({k: v[1:] for k, v in best.items()})
