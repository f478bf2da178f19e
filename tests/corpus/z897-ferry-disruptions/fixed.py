# ferry disruption prototype: route + sailing day + harbour notice -> on_time / delayed / cancelled
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

if __name__ == "__main__":
    torch.manual_seed(11)

    rows = [
        ("oban to craignure", "monday", "southwesterly gale expected, sailings under review"),
        ("ullapool to stornoway", "tuesday", "normal service"),
        ("mallaig to armadale", "saturday", "vessel in dry dock, replacement not available"),
        ("oban to craignure", "sunday", "late arrival of inbound vessel"),
        ("ardrossan to brodick", "friday", "normal service, busy with vehicles"),
        ("kennacraig to port askaig", "wednesday", "technical fault with ramp, sailings withdrawn"),
        ("ullapool to stornoway", "thursday", "swell at harbour entrance, departure held"),
        ("ardrossan to brodick", "monday", "normal service"),
    ]
    y = ["delayed", "on_time", "cancelled", "delayed", "on_time", "cancelled", "delayed", "on_time"]
    names = ["on_time", "delayed", "cancelled"]

    tmp = set()
    for r in rows:
        for part in r:
            tmp.update(part.replace(",", " ").split())
    tmp = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(tmp)
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "vocab.txt"), "w") as f:
        f.write("\n".join(tmp) + "\n")
    tok = BertTokenizer(os.path.join(d, "vocab.txt"))
    print("DEBUG vocab", len(tok), tok.sep_token_id)

    # tokenizer only does pairs, so glue the three fields together by hand
    x = []
    for r in rows:
        tmp = [tok.cls_token_id]
        for part in r:
            tmp += tok.convert_tokens_to_ids(tok.tokenize(part)) + [tok.sep_token_id]
        x.append(tmp)
    L = max(len(t) for t in x)
    print("DEBUG L", L)
    x = torch.tensor([t + [tok.pad_token_id] * (L - len(t)) for t in x])
    x2 = (x != tok.pad_token_id).long()
    # one segment per field: route / day / notice
    tmp = (x == tok.sep_token_id).long()
    tt = torch.cumsum(tmp, dim=1) - tmp
    tt = tt * x2
    print("DEBUG", x.shape, x2.shape, tt.shape, tt.max().item())

    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=3,
        num_labels=len(names),
    )
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    y = torch.tensor([names.index(v) for v in y])
    print("DEBUG y", y.tolist())

    model.train()
    for step in range(6):
        out_ = model(input_ids=x, attention_mask=x2, token_type_ids=tt, labels=y)
        opt.zero_grad()
        out_.loss.backward()
        opt.step()
        print(f"step {step} loss {out_.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        out_ = model(input_ids=x, attention_mask=x2, token_type_ids=tt).logits
    out_ = out_.softmax(-1)
    print("DEBUG", out_.shape)
    for r, p in zip(rows, out_):
        print(f"{r[0]:<26} {r[1]:<10} -> {names[p.argmax().item()]} ({p.max().item():.2f})")
