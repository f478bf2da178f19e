"""
claimsort: route patent claims to a CPC section with a small BERT.

Reusable pieces (TextEncoder, Head, build) first; the script at the bottom is
how a patent office examiner team would call it on their own claims.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer


def make_tokenizer(texts, lowercase=True):
    def words(t):
        for w in t.replace(";", " ; ").replace(",", " , ").replace(".", " . ").split():
            yield w.lower() if lowercase else w

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", ".", ";"]
    for t in texts:
        for w in words(t):
            if w not in vocab:
                vocab.append(w)
    folder = tempfile.mkdtemp(prefix="claimsort_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab))
    return BertTokenizer(os.path.join(folder, "vocab.txt"), do_lower_case=lowercase)


class TextEncoder(nn.Module):
    def __init__(self, tokenizer, hidden_size=32, num_layers=1, num_heads=2,
                 max_positions=64, pad_to_multiple_of=None, **config_kwargs):
        super().__init__()
        self.tokenizer = tokenizer
        self.pad_to_multiple_of = pad_to_multiple_of
        self.config = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden_size,
                                 num_hidden_layers=num_layers, num_attention_heads=num_heads,
                                 intermediate_size=hidden_size * 2,
                                 max_position_embeddings=max_positions, **config_kwargs)
        self.bert = BertModel(self.config)

    def encode(self, claims):
        return self.tokenizer(claims, padding="longest", return_tensors="pt",
                              pad_to_multiple_of=self.pad_to_multiple_of)

    def forward(self, claims):
        batch = self.encode(claims)
        hidden = self.bert(**batch).last_hidden_state
        return hidden[:, 0]


class Head(nn.Module):
    def __init__(self, hidden_size, n_sections, dropout=0.1):
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden_size, n_sections)

    def forward(self, cls_vec):
        return self.out(self.dropout(cls_vec))


def build(corpus, n_sections, hidden_size=32, num_layers=1, num_heads=2, max_positions=64,
          dropout=0.1, pad_to_multiple_of=None, lowercase=True, **kwargs):
    tok = make_tokenizer(corpus, lowercase=lowercase)
    encoder = TextEncoder(tok, hidden_size=hidden_size, num_layers=num_layers,
                          num_heads=num_heads, max_positions=max_positions,
                          pad_to_multiple_of=pad_to_multiple_of, **kwargs)
    head = Head(encoder.config.hidden_size, n_sections, dropout=dropout)
    print(f"[claimsort] vocab={len(tok)} positions={encoder.config.max_position_embeddings}")
    return nn.ModuleDict({"encoder": encoder, "head": head})


# ------------------------------------------------------------------- usage
if __name__ == "__main__":
    torch.manual_seed(2024)

    SECTIONS = {"A": "human necessities", "F": "mechanical engineering", "H": "electricity"}
    claims = [
        ("A", "A wearable insulin delivery device comprising a reservoir, a micro pump coupled to the "
              "reservoir, a cannula, and a controller configured to adjust a basal rate based on a "
              "glucose reading received from a sensor, wherein the controller suspends delivery when "
              "the glucose reading falls below a threshold and resumes delivery after a delay period "
              "selected by the user, and wherein the reservoir is replaceable without removing the cannula."),
        ("F", "A bearing assembly comprising an inner ring, an outer ring, and rolling elements."),
        ("H", "A battery management circuit comprising a cell balancing switch for each cell."),
        ("F", "A turbine blade having an internal cooling channel, a leading edge, a trailing edge, and a "
              "plurality of film cooling holes extending from the cooling channel to an outer surface, "
              "wherein the holes near the leading edge are inclined toward the blade tip, the holes near "
              "the trailing edge are fan shaped, and a thermal barrier coating covers the outer surface "
              "except at the hole exits, the coating having a thickness between one and three tenths."),
        ("A", "A toothbrush handle with a grip region made of an elastomer."),
        ("H", "An antenna array comprising patch elements fed by a common microstrip line."),
    ]
    section_ids = {s: i for i, s in enumerate(SECTIONS)}
    texts = [c for _, c in claims]
    gold = torch.tensor([section_ids[s] for s, _ in claims])

    model = build(texts, n_sections=len(SECTIONS), hidden_dropout_prob=0.05, pad_to_multiple_of=8)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        for lo in range(0, len(texts), 3):
            logits = model["head"](model["encoder"](texts[lo:lo + 3]))
            loss = criterion(logits, gold[lo:lo + 3])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: last batch loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        picks = model["head"](model["encoder"](texts)).argmax(-1).tolist()
    names = list(SECTIONS)
    for (gold_sec, text), p in zip(claims, picks):
        print(f"{gold_sec} -> {names[p]} ({SECTIONS[names[p]]}): {text[:50]}...")
