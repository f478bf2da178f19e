import os
import random
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(13)
torch.manual_seed(13)

PEOPLE = ["alice", "bruno", "chen", "dmitri", "elena", "farah"]
CITIES = ["paris", "lagos", "lima", "oslo", "kyoto", "quito"]
JOBS = ["baker", "pilot", "nurse", "painter", "judge", "chemist"]
FILLER = "the a an of in to and was is from lived worked as who where what did does born city job years for many".split()


@dataclass
class ReaderConfig:
    vocab_file: str = os.path.join(HERE, "qa_vocab.txt")
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_len: int = 48
    n_segments: int = 2
    batch_size: int = 4
    lr: float = 3e-4
    epochs: int = 2
    extra: dict = field(default_factory=dict)


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(PEOPLE + CITIES + JOBS + FILLER + ["?", ".", ","]))
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")


def make_examples(n):
    out = []
    for _ in range(n):
        who, city, job = random.choice(PEOPLE), random.choice(CITIES), random.choice(JOBS)
        ctx = f"{who.title()} was born in {city.title()} and worked as a {job} for many years."
        if random.random() < 0.5:
            q, ans = f"Where was {who.title()} born?", city.title()
        else:
            q, ans = f"What job did {who.title()} do?", job
        out.append({"question": q, "context": ctx, "answer": ans, "answer_start": ctx.index(ans)})
    return out


class SquadLike(Dataset):
    def __init__(self, examples, tok, max_len):
        self.items = []
        for ex in examples:
            enc = tok(ex["question"], ex["context"], max_length=max_len, truncation="only_second",
                      padding="max_length", return_offsets_mapping=True)
            s_char = ex["answer_start"]
            e_char = s_char + len(ex["answer"])
            seq_ids = enc.sequence_ids()
            start_tok = end_tok = 0
            for i, (a, b) in enumerate(enc["offset_mapping"]):
                if seq_ids[i] != 1:
                    continue
                if a <= s_char < b:
                    start_tok = i
                if a < e_char <= b:
                    end_tok = i
            self.items.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "token_type_ids": torch.tensor(enc["token_type_ids"]),
                "start_positions": torch.tensor(start_tok),
                "end_positions": torch.tensor(end_tok),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def build_model(cfg, tok):
    bert_cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.ffn,
        max_position_embeddings=cfg.max_len,
        type_vocab_size=cfg.n_segments,
    )
    return BertForQuestionAnswering(bert_cfg)


def decode(tok, batch, start_logits, end_logits, max_answer=6):
    answers = []
    for b in range(start_logits.size(0)):
        best, span = float("-inf"), (0, 0)
        for s in torch.topk(start_logits[b], 5).indices.tolist():
            for e in torch.topk(end_logits[b], 5).indices.tolist():
                if e < s or e - s + 1 > max_answer:
                    continue
                score = start_logits[b, s].item() + end_logits[b, e].item()
                if score > best:
                    best, span = score, (s, e)
        ids = batch["input_ids"][b, span[0]: span[1] + 1]
        answers.append(tok.decode(ids))
    return answers


def main():
    cfg = ReaderConfig()
    write_vocab(cfg.vocab_file)
    tok = BertTokenizer(cfg.vocab_file)
    train_ds = SquadLike(make_examples(32), tok, cfg.max_len)
    dev_ds = SquadLike(make_examples(8), tok, cfg.max_len)
    model = build_model(cfg, tok)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for batch in DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True):
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        for batch in DataLoader(dev_ds, batch_size=cfg.batch_size):
            inputs = {k: v for k, v in batch.items() if k not in ("start_positions", "end_positions")}
            out = model(**inputs)
            print(decode(tok, batch, out.start_logits, out.end_logits))


if __name__ == "__main__":
    main()
