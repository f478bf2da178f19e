import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizerFast

NOTES = [
    ("patient admitted with chest pain . troponin negative . discharged on aspirin 81 mg daily "
     "and atorvastatin 40 mg nightly . follow up with cardiology in two weeks .",
     [("what dose of atorvastatin", "40 mg nightly"), ("when is the follow up", "in two weeks")]),
    ("type two diabetes poorly controlled . metformin increased to 1000 mg twice daily . "
     "insulin glargine 10 units at bedtime started . diet counselling given .",
     [("what dose of metformin", "1000 mg twice daily"), ("which insulin was started", "insulin glargine")]),
    ("fall at home with left hip fracture . lives alone and uses a walking frame . "
     "seen by orthogeriatrics and underwent hemiarthroplasty on day two . post operative "
     "delirium managed with reorientation . wound clean and dry . physiotherapy daily with "
     "good progress . discharged to rehab facility on day five .",
     [("where was the patient discharged", "rehab facility"), ("what surgery was done", "hemiarthroplasty")]),
]

MAX_LEN = 40
DOC_STRIDE = 12


def build_tokenizer(workdir):
    words = set()
    for note, qas in NOTES:
        words.update(note.split())
        for q, _ in qas:
            words.update(q.split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(workdir, "clinical_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizerFast(path)


def make_windows(tokenizer):
    questions, contexts, answers = [], [], []
    for note, qas in NOTES:
        for q, a in qas:
            questions.append(q)
            contexts.append(note)
            answers.append((note.index(a), note.index(a) + len(a)))
    enc = tokenizer(
        questions, contexts,
        truncation="only_second", max_length=MAX_LEN, stride=DOC_STRIDE,
        return_overflowing_tokens=True, return_offsets_mapping=True,
        padding="max_length",
    )
    windows = []
    for w, sample_idx in enumerate(enc["overflow_to_sample_mapping"]):
        char_s, char_e = answers[sample_idx]
        seq_ids = enc.sequence_ids(w)
        offsets = enc["offset_mapping"][w]
        ctx_first = seq_ids.index(1)
        ctx_last = len(seq_ids) - 1 - seq_ids[::-1].index(1)
        if offsets[ctx_first][0] > char_s or offsets[ctx_last][1] < char_e:
            start_tok = end_tok = 0
        else:
            start_tok = ctx_first
            while start_tok <= ctx_last and offsets[start_tok][0] <= char_s:
                start_tok += 1
            start_tok -= 1
            end_tok = ctx_last
            while end_tok >= ctx_first and offsets[end_tok][1] >= char_e:
                end_tok -= 1
            end_tok += 1
        windows.append({
            "input_ids": enc["input_ids"][w],
            "token_type_ids": enc["token_type_ids"][w],
            "attention_mask": enc["attention_mask"][w],
            "start_positions": start_tok,
            "end_positions": end_tok,
        })
    return windows


def collate_windows(features):
    tok = torch.tensor([f["input_ids"] for f in features])
    seg = torch.tensor([f["token_type_ids"] for f in features])
    att = torch.tensor([f["attention_mask"] for f in features])
    # drop the columns that are padding for every window in this batch
    longest = int(att.sum(dim=1).max())
    tok, seg = tok[:, :longest], seg[:, :longest]
    return {
        "input_ids": tok,
        "token_type_ids": seg,
        "attention_mask": att[:, :longest],
        "start_positions": torch.tensor([f["start_positions"] for f in features]),
        "end_positions": torch.tensor([f["end_positions"] for f in features]),
    }


def main():
    random.seed(1)
    torch.manual_seed(1)
    workdir = tempfile.mkdtemp()
    tokenizer = build_tokenizer(workdir)
    windows = make_windows(tokenizer)
    print(f"{len(windows)} windows from {sum(len(q) for _, q in NOTES)} questions")

    cfg = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = BertForQuestionAnswering(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loader = DataLoader(windows, batch_size=4, shuffle=True, collate_fn=collate_windows)

    model.train()
    for epoch in range(2):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: mean loss {running / len(loader):.4f}")

    model.eval()
    with torch.no_grad():
        batch = collate_windows(windows[:4])
        batch.pop("start_positions")
        batch.pop("end_positions")
        out = model(**batch)
    for i in range(4):
        s = int(out.start_logits[i].argmax())
        e = int(out.end_logits[i].argmax())
        print(i, tokenizer.decode(batch["input_ids"][i][s:e + 1]))


if __name__ == "__main__":
    main()
