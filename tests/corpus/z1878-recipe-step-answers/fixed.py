import collections
import os
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizerFast

RECIPES = {
    "focaccia": "mix flour water yeast and salt . rest the dough for two hours . press into an oiled tray "
                "and dimple with fingers . bake at 220 degrees for 25 minutes until golden .",
    "risotto": "sweat the onion in butter . toast the arborio rice for one minute . add hot stock one ladle "
               "at a time stirring often . finish with parmesan and rest for two minutes .",
    "brownies": "melt the chocolate with butter . whisk eggs and sugar until pale . fold in flour and cocoa "
                "then bake at 180 degrees for 20 minutes .",
}

TRAIN_QA = [
    ("focaccia", "how long should the dough rest", "two hours"),
    ("focaccia", "what temperature to bake", "220 degrees"),
    ("risotto", "which rice is used", "arborio rice"),
    ("risotto", "what is added one ladle at a time", "hot stock"),
    ("brownies", "what is melted with butter", "the chocolate"),
    ("brownies", "how long to bake", "20 minutes"),
]
DEV_QUESTIONS = [("focaccia", "how long to bake"), ("risotto", "what to finish with")]

SEQ_LEN = 32
STRIDE = 10


def kitchen_tokenizer(tmpdir):
    words = set(" ".join(RECIPES.values()).split())
    for _, q, _ in TRAIN_QA:
        words.update(q.split())
    for _, q in DEV_QUESTIONS:
        words.update(q.split())
    path = os.path.join(tmpdir, "kitchen_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizerFast(path)


def prepare_features(tok, questions, contexts):
    enc = tok(questions, contexts, truncation="only_second", max_length=SEQ_LEN, stride=STRIDE,
              return_overflowing_tokens=True, return_offsets_mapping=True, padding="max_length")
    # the model's forward does not take offsets, keep them out of the feature dict
    offsets = enc["offset_mapping"]
    enc["context_offsets"] = [
        [o if enc.sequence_ids(i)[k] == 1 else None for k, o in enumerate(row)]
        for i, row in enumerate(offsets)
    ]
    return enc


def span_labels(enc, answers):
    starts, ends = [], []
    for i, sample in enumerate(enc["overflow_to_sample_mapping"]):
        a_start, a_end = answers[sample]
        s_tok = e_tok = 0
        for k, off in enumerate(enc["context_offsets"][i]):
            if off is None:
                continue
            if off[0] <= a_start < off[1]:
                s_tok = k
            if off[0] < a_end <= off[1]:
                e_tok = k
        if e_tok < s_tok:
            s_tok = e_tok = 0
        starts.append(s_tok)
        ends.append(e_tok)
    return torch.tensor(starts), torch.tensor(ends)


def best_answers(enc, contexts, start_logits, end_logits, max_answer_tokens=6):
    by_sample = collections.defaultdict(list)
    for i, sample in enumerate(enc["overflow_to_sample_mapping"]):
        by_sample[sample].append(i)
    results = {}
    for sample, feat_ids in by_sample.items():
        best = (float("-inf"), "")
        for i in feat_ids:
            offsets = enc["offset_mapping"][i]
            seq_ids = enc.sequence_ids(i)
            top_s = torch.topk(start_logits[i], 5).indices.tolist()
            top_e = torch.topk(end_logits[i], 5).indices.tolist()
            for s in top_s:
                for e in top_e:
                    if seq_ids[s] != 1 or seq_ids[e] != 1 or e < s or e - s + 1 > max_answer_tokens:
                        continue
                    score = float(start_logits[i, s] + end_logits[i, e])
                    if score > best[0]:
                        best = (score, contexts[sample][offsets[s][0]:offsets[e][1]])
        results[sample] = best[1]
    return results


def main():
    torch.manual_seed(7)
    tok = kitchen_tokenizer(tempfile.mkdtemp())
    model = BertForQuestionAnswering(BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    contexts = [RECIPES[r] for r, _, _ in TRAIN_QA]
    answers = [(c.index(a), c.index(a) + len(a)) for c, (_, _, a) in zip(contexts, TRAIN_QA)]
    train = prepare_features(tok, [q for _, q, _ in TRAIN_QA], contexts)
    start_pos, end_pos = span_labels(train, answers)
    ids = torch.tensor(train["input_ids"])
    segs = torch.tensor(train["token_type_ids"])
    mask = torch.tensor(train["attention_mask"])

    model.train()
    for step in range(20):
        out = model(input_ids=ids, token_type_ids=segs, attention_mask=mask,
                    start_positions=start_pos, end_positions=end_pos)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step:2d}  loss {out.loss.item():.3f}")

    dev_contexts = [RECIPES[r] for r, _ in DEV_QUESTIONS]
    dev = prepare_features(tok, [q for _, q in DEV_QUESTIONS], dev_contexts)
    model.eval()
    with torch.no_grad():
        out = model(input_ids=torch.tensor(dev["input_ids"]),
                    token_type_ids=torch.tensor(dev["token_type_ids"]),
                    attention_mask=torch.tensor(dev["attention_mask"]))
    preds = best_answers(dev, dev_contexts, out.start_logits, out.end_logits)
    for sample, (recipe, question) in enumerate(DEV_QUESTIONS):
        print(f"[{recipe}] {question}? -> {preds[sample]!r}")


if __name__ == "__main__":
    main()
