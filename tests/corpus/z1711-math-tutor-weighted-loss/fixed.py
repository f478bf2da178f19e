import json
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, GPT2Config

torch.manual_seed(5)

PROBLEMS = [
    {"question": "what is 12+7?", "work": "12+7 = 19", "answer": "19"},
    {"question": "what is 9*4?", "work": "9*4 = 36", "answer": "36"},
    {"question": "what is 45-18?", "work": "45-18 = 27", "answer": "27"},
    {"question": "what is 6*7+2?", "work": "6*7 = 42, 42+2 = 44", "answer": "44"},
    {"question": "what is 100/4?", "work": "100/4 = 25", "answer": "25"},
    {"question": "what is 3*(5+1)?", "work": "5+1 = 6, 3*6 = 18", "answer": "18"},
    {"question": "what is 81-9*3?", "work": "9*3 = 27, 81-27 = 54", "answer": "54"},
    {"question": "what is 14+14+14?", "work": "14+14 = 28, 28+14 = 42", "answer": "42"},
]
CONTROL = ["<pad>", "<student>", "<tutor>", "<answer>", "<done>"]


def save_char_vocab(folder):
    chars = sorted({c for p in PROBLEMS for field in p.values() for c in field})
    table = {tok: i for i, tok in enumerate(CONTROL + chars)}
    path = os.path.join(folder, "tutor_chars.json")
    with open(path, "w") as fh:
        json.dump(table, fh)
    return path


class CharTokenizer:
    def __init__(self, path):
        with open(path) as fh:
            self.table = json.load(fh)
        self.inverse = {v: k for k, v in self.table.items()}

    def __call__(self, text):
        return [self.table[c] for c in text]

    def ctl(self, name):
        return self.table[name]

    def decode(self, ids):
        return "".join(self.inverse[i] if len(self.inverse[i]) == 1 else f" {self.inverse[i]} " for i in ids)


def pack_problems(tok, row_len, answer_weight=2.0):
    rows, weights = [], []
    cur_ids, cur_w = [], []
    for p in PROBLEMS:
        prompt = [tok.ctl("<student>")] + tok(p["question"]) + [tok.ctl("<tutor>")]
        work = tok(p["work"]) + [tok.ctl("<answer>")]
        final = tok(p["answer"]) + [tok.ctl("<done>")]
        seq = prompt + work + final
        w = [0.0] * len(prompt) + [1.0] * len(work) + [answer_weight] * len(final)
        if len(cur_ids) + len(seq) > row_len:
            pad = row_len - len(cur_ids)
            rows.append(cur_ids + [tok.ctl("<pad>")] * pad)
            weights.append(cur_w + [0.0] * pad)
            cur_ids, cur_w = [], []
        cur_ids += seq
        cur_w += w
    if cur_ids:
        pad = row_len - len(cur_ids)
        rows.append(cur_ids + [tok.ctl("<pad>")] * pad)
        weights.append(cur_w + [0.0] * pad)
    return torch.tensor(rows), torch.tensor(weights)


def weighted_lm_loss(logits, packed, token_w):
    pred = logits[:, :-1, :]
    gold = packed[:, 1:]
    w = token_w[:, 1:]
    per_tok = F.cross_entropy(pred.transpose(1, 2), gold, reduction="none")
    return ((per_tok * w).sum(dim=-1) / w.sum(dim=-1).clamp(min=1.0)).mean()


def main():
    folder = tempfile.mkdtemp(prefix="tutor_")
    tok = CharTokenizer(save_char_vocab(folder))

    cfg = GPT2Config(
        vocab_size=len(tok.table),
        n_positions=96,
        n_embd=48,
        n_layer=2,
        n_head=4,
        pad_token_id=tok.ctl("<pad>"),
        bos_token_id=tok.ctl("<student>"),
        eos_token_id=tok.ctl("<done>"),
    )
    model = AutoModelForCausalLM.from_config(cfg)
    packed, token_w = pack_problems(tok, row_len=80)
    print("packed rows:", tuple(packed.shape))

    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    model.train()
    for step in range(40):
        logits = model(input_ids=packed).logits
        loss = weighted_lm_loss(logits, packed, token_w)
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step % 10 == 0:
            print(f"step {step:2d} weighted loss {loss.item():.4f}")

    model.eval()
    prompt = [tok.ctl("<student>")] + tok(PROBLEMS[0]["question"]) + [tok.ctl("<tutor>")]
    ctx = torch.tensor([prompt])
    with torch.no_grad():
        for _ in range(20):
            nxt = model(input_ids=ctx).logits[0, -1].argmax().view(1, 1)
            ctx = torch.cat([ctx, nxt], dim=1)
            if nxt.item() == tok.ctl("<done>"):
                break
    print(tok.decode(ctx[0].tolist()))


if __name__ == "__main__":
    main()
