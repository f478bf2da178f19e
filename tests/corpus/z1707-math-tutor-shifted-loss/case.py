"""Fine-tune a tiny Llama as an arithmetic tutor with a custom response-only loss.

The loss is computed by hand (next-token shift, prompt tokens ignored) so that
per-step tutor-answer accuracy can be logged alongside it.
"""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, BertTokenizer, LlamaConfig

torch.manual_seed(3)

NUMBER_WORDS = "zero one two three four five six seven eight nine".split()


def make_problems(n):
    gen = torch.Generator().manual_seed(11)
    items = []
    for _ in range(n):
        a, b = torch.randint(2, 10, (2,), generator=gen).tolist()
        q = f"what is {a} times {b} ?"
        ans = f"{a} times {b} is {a * b} . well done"
        items.append((q, ans))
    return items


def write_vocab(folder):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "student", "tutor", ":", "?", ".",
            "what", "is", "times", "well", "done"] + [str(i) for i in range(100)] + NUMBER_WORDS
    path = os.path.join(folder, "tutor_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return path


class AdapterDown(nn.Module):
    """Low-rank update added to the MLP down projection."""

    def __init__(self, proj, r=8):
        super().__init__()
        self.proj = proj
        self.proj.requires_grad_(False)
        self.a = nn.Linear(proj.in_features, r, bias=False)
        self.b = nn.Linear(r, proj.out_features, bias=False)
        nn.init.zeros_(self.b.weight)

    def forward(self, h):
        return self.proj(h) + self.b(self.a(h))


def encode(tok, problems):
    seqs, masks = [], []
    for q, ans in problems:
        p = tok.encode(f"student : {q} tutor :", add_special_tokens=False)
        r = tok.encode(ans, add_special_tokens=False) + [tok.sep_token_id]
        seqs.append(p + r)
        masks.append([-100] * len(p) + r)
    span = max(map(len, seqs))
    ids = torch.tensor([s + [tok.pad_token_id] * (span - len(s)) for s in seqs])
    lab = torch.tensor([m + [-100] * (span - len(m)) for m in masks])
    return ids, (ids != tok.pad_token_id).long(), lab


def response_loss(logits, targets):
    pred = logits[:, :-1, :]
    gold = targets[:, 1:].contiguous()
    flat_pred = pred.view(-1, pred.size(-1))
    flat_gold = gold.view(-1)
    loss = F.cross_entropy(flat_pred, flat_gold, ignore_index=-100)
    scored = flat_gold != -100
    acc = (flat_pred.argmax(-1)[scored] == flat_gold[scored]).float().mean()
    return loss, acc


def main():
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="tutor_")), do_lower_case=True)
    cfg = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=48,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.cls_token_id,
        eos_token_id=tok.sep_token_id,
    )
    tutor = AutoModelForCausalLM.from_config(cfg)
    tutor.requires_grad_(False)
    for layer in tutor.model.layers:
        layer.mlp.down_proj = AdapterDown(layer.mlp.down_proj)
    opt = torch.optim.AdamW([p for p in tutor.parameters() if p.requires_grad], lr=1e-2)

    train = make_problems(24)
    accum = 2
    tutor.train()
    for step in range(4):
        for k in range(accum):
            chunk = train[(step * accum + k) * 3 : (step * accum + k + 1) * 3]
            ids, att, lab = encode(tok, chunk)
            logits = tutor(input_ids=ids, attention_mask=att).logits
            loss, acc = response_loss(logits, lab)
            (loss / accum).backward()
        opt.step()
        opt.zero_grad()
        print(f"step {step}: loss {loss.item():.3f} answer-token acc {acc.item():.2f}")

    tutor.eval()
    q = tok.encode("student : what is 6 times 7 ? tutor :", add_special_tokens=False)
    out = torch.tensor([q])
    with torch.no_grad():
        while out.size(1) < len(q) + 10:
            nxt = tutor(input_ids=out).logits[:, -1:].argmax(-1)
            out = torch.cat([out, nxt], dim=1)
            if nxt.item() == tok.sep_token_id:
                break
    print("tutor:", tok.decode(out[0, len(q):].tolist()))


if __name__ == "__main__":
    main()
