import os
import random

import torch
from torch.utils.data import DataLoader
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          DataCollatorForTokenClassification)

random.seed(21)
torch.manual_seed(21)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
ENTITY_TYPES = ["NAME", "EMAIL", "SKILL", "DEGREE", "COMPANY", "TITLE"]
TAGS = ["O"] + [f"{p}-{e}" for e in ENTITY_TYPES for p in ("B", "I")]
tag2id = {t: i for i, t in enumerate(TAGS)}

GAZETTEER = {
    "NAME": [["priya", "nair"], ["jonas", "berg"], ["amara", "obi"], ["kevin", "liu"]],
    "EMAIL": [["priya@mail.com"], ["jberg@corp.io"], ["amara.obi@mail.com"]],
    "SKILL": [["python"], ["machine", "learning"], ["sql"], ["project", "management"],
              ["kubernetes"], ["data", "visualization"]],
    "DEGREE": [["bachelor", "of", "science"], ["mba"], ["master", "of", "engineering"]],
    "COMPANY": [["northwind", "traders"], ["contoso"], ["fabrikam", "labs"]],
    "TITLE": [["software", "engineer"], ["hr", "business", "partner"], ["data", "analyst"]],
}
GLUE = ["contact", "worked", "at", "as", "holds", "a", "from", "skilled", "in", "and",
        "with", "experience", "currently", "previously", "."]


def synth_resume():
    words, tags = [], []

    def add_entity(etype):
        span = random.choice(GAZETTEER[etype])
        for k, w in enumerate(span):
            words.append(w)
            tags.append(("B-" if k == 0 else "I-") + etype)

    def add_glue(*ws):
        for w in ws:
            words.append(w)
            tags.append("O")

    add_entity("NAME"); add_glue("contact"); add_entity("EMAIL"); add_glue(".")
    add_glue("currently", "worked", "as"); add_entity("TITLE"); add_glue("at"); add_entity("COMPANY")
    add_glue(".", "holds", "a"); add_entity("DEGREE"); add_glue(".", "skilled", "in")
    for _ in range(random.randint(1, 3)):
        add_entity("SKILL"); add_glue("and")
    words.pop(); tags.pop()
    return words, tags


def write_vocab(path):
    base = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "@", ".", "com", "io",
            "##@", "##.", "##com", "##io", "mail", "corp", "##mail", "##corp"]
    seen = set(base)
    for spans in GAZETTEER.values():
        for span in spans:
            for w in span:
                for piece in w.replace("@", " ").replace(".", " ").split():
                    if piece not in seen:
                        base.append(piece); seen.add(piece)
    for w in GLUE:
        if w not in seen:
            base.append(w); seen.add(w)
    with open(path, "w") as f:
        f.write("\n".join(base) + "\n")
    return path


class ResumeNERPipeline:
    def __init__(self, tokenizer, max_length=64, label_all_subwords=False):
        self.tok = tokenizer
        self.max_length = max_length
        self.label_all_subwords = label_all_subwords

    def __call__(self, words, tags):
        enc = self.tok(words, is_split_into_words=True, truncation=True,
                       max_length=self.max_length)
        labels, prev = [], None
        for wid in enc.word_ids():
            if wid is None:
                labels.append(-100)
            elif wid != prev:
                labels.append(tag2id[tags[wid]])
            else:
                labels.append(tag2id[tags[wid]] if self.label_all_subwords else -100)
            prev = wid
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "labels": labels}


def build_model(tokenizer):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(ENTITY_TYPES) + 1,
    )
    return BertForTokenClassification(config)


def main():
    tokenizer = BertTokenizer(write_vocab(os.path.join(WORKDIR, "resume_vocab.txt")))
    pipeline = ResumeNERPipeline(tokenizer)
    features = [pipeline(*synth_resume()) for _ in range(120)]
    collator = DataCollatorForTokenClassification(tokenizer, padding="longest")
    loader = DataLoader(features, batch_size=8, shuffle=True, collate_fn=collator)

    model = build_model(tokenizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(2):
        total = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            total += out.loss.item()
        print(f"epoch {epoch} mean loss {total / (step + 1):.4f}")

    model.eval()
    words, _ = synth_resume()
    enc = tokenizer(words, is_split_into_words=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(**enc).logits.argmax(-1)[0].tolist()
    print([(tokenizer.convert_ids_to_tokens(i), TAGS[p])
           for i, p in zip(enc["input_ids"][0].tolist(), pred)][:12])


if __name__ == "__main__":
    main()
