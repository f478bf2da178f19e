# tag vessel names / ports / vhf channels in transcribed harbour radio calls
# tiny bert token classifier, random weights, just checking the loop end to end
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer


def main():
    torch.manual_seed(3)

    calls = {
        "words": [
            "nordkap calling harbourmaster rotterdam on channel sixteen".split(),
            "seawind requesting berth at antwerp switch channel twelve".split(),
            "harbourmaster to nordkap proceed to anchorage".split(),
            "pilot boat alpha to seawind ready at fairway buoy".split(),
            "bluefin leaving hamburg will call channel seventy four".split(),
        ],
        "tags": [
            ["VESSEL", "O", "O", "PORT", "O", "O", "CHANNEL"],
            ["VESSEL", "O", "O", "O", "PORT", "O", "O", "CHANNEL"],
            ["O", "O", "VESSEL", "O", "O", "O"],
            ["VESSEL", "VESSEL", "VESSEL", "O", "VESSEL", "O", "O", "O", "O"],
            ["VESSEL", "O", "PORT", "O", "O", "O", "CHANNEL", "CHANNEL"],
        ],
    }
    assert all(len(w) == len(t) for w, t in zip(calls["words"], calls["tags"]))
    tag_names = ["O", "VESSEL", "PORT", "CHANNEL"]
    tag2id = {t: i for i, t in enumerate(tag_names)}
    print(f"[data] {len(calls['words'])} calls, {sum(map(len, calls['words']))} words, tags={tag_names}")

    # wordpiece-ish vocab: vessel / port names only as pieces, like a real domain vocab would have them
    pieces = ["nord", "##kap", "sea", "##wind", "blue", "##fin", "rotter", "##dam", "ant", "##werp",
              "ham", "##burg", "harbour", "##master"]
    plain = sorted({w for ws in calls["words"] for w in ws
                    if w not in {"nordkap", "seawind", "bluefin", "rotterdam", "antwerp", "hamburg", "harbourmaster"}})
    vdir = tempfile.mkdtemp()
    with open(os.path.join(vdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + plain + pieces) + "\n")
    tok = BertTokenizer(os.path.join(vdir, "vocab.txt"))
    print(f"[tok] vocab {len(tok)}; e.g. {tok.tokenize('nordkap calling rotterdam')}")

    model = BertForTokenClassification(BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=len(tag_names),
    ))

    encode = lambda ws: tok(ws, is_split_into_words=True, padding=True, return_tensors="pt")
    # spread word tags over the word pieces, -100 on [CLS]/[SEP]/padding so the loss skips them
    pad_tags = lambda ts, enc: torch.tensor(
        [[-100 if w is None else tag2id[seq[w]] for w in enc.word_ids(i)] for i, seq in enumerate(ts)]
    )

    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    bs = 2
    for epoch in range(3):
        model.train()
        tot = 0.0
        for start in range(0, len(calls["words"]), bs):
            enc = encode(calls["words"][start:start + bs])
            tag_ids = pad_tags(calls["tags"][start:start + bs], enc)
            loss = model(**enc, labels=tag_ids).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
            tot += loss.item()
        print(f"[train] epoch {epoch} loss {tot:.4f}")

    model.eval()
    test = "seawind calling rotterdam on channel twelve".split()
    with torch.no_grad():
        enc = encode([test])
        pred = model(**enc).logits.argmax(-1)[0].tolist()
    toks = tok.convert_ids_to_tokens(enc["input_ids"][0])
    print("[eval] " + " ".join(f"{t}/{tag_names[p]}" for t, p in zip(toks, pred)))


if __name__ == "__main__":
    main()
