# Audio guide answer reranker
# Museum editors keep, for each visitor question, a list of approved answer snippets and a list
# of snippets they turned down. Preference pairs (approved one vs turned-down one) train a
# BERT cross-encoder to score question/snippet pairs, with a pairwise logistic loss.
import functools
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

randomSeed = 3
maxLen = 32
numEpochs = 2

questionBank = [
    {"question": "who painted the harbour scene",
     "approved": ["it was painted by a local marine artist", "the harbour scene is by the artist's pupil",
                  "a marine painter from the town made it", "the signature belongs to a harbour painter"],
     "rejected": ["the frame is gilded oak", "the gallery opens at ten"],
     "pairs": [(2, 0), (3, 1), (0, 1)]},
    {"question": "how old is the bronze helmet",
     "approved": ["it dates from the late iron age", "the helmet is about two thousand years old",
                  "bronze of the first century before our era", "it was cast around two millennia ago"],
     "rejected": ["the helmet was found by a farmer", "bronze is copper and tin"],
     "pairs": [(1, 0), (3, 0), (2, 1)]},
    {"question": "why is the tapestry kept dark",
     "approved": ["light fades the wool dyes", "low light protects the fragile colours",
                  "the dyes are sensitive to daylight", "bright light would bleach the threads"],
     "rejected": ["the tapestry shows a hunt", "the room is on the second floor"],
     "pairs": [(3, 1), (2, 0), (0, 0)]},
]


def writeVocab(bank):
    words = set()
    for q in bank:
        for textLine in [q["question"]] + q["approved"] + q["rejected"]:
            words.update(textLine.replace("'", " ").split())
    vocabPath = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocabPath, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return vocabPath


def flattenPairs(bank):
    flatRows = []
    for qIdx, q in enumerate(bank):
        for chosenIdx, rejectedIdx in q["pairs"]:
            flatRows.append({"qIdx": qIdx, "chosenPos": chosenIdx, "rejectedPos": rejectedIdx})
    return flatRows


def collatePairs(rows, bank, tokenizer):
    questions, approvedTexts, rejectedTexts = [], [], []
    for r in rows:
        q = bank[r["qIdx"]]
        questions.append(q["question"])
        approvedTexts.append(q["approved"])
        rejectedTexts.append(q["rejected"])
    nApproved = len(approvedTexts[0])
    nRejected = len(rejectedTexts[0])
    approvedEnc = tokenizer([qq for qq in questions for _ in range(nApproved)],
                            [a for lst in approvedTexts for a in lst],
                            padding="max_length", truncation=True, max_length=maxLen, return_tensors="pt")
    rejectedEnc = tokenizer([qq for qq in questions for _ in range(nRejected)],
                            [a for lst in rejectedTexts for a in lst],
                            padding="max_length", truncation=True, max_length=maxLen, return_tensors="pt")
    return {
        "approvedEnc": dict(approvedEnc), "rejectedEnc": dict(rejectedEnc),
        "nApproved": nApproved, "nRejected": nRejected,
        "chosenPos": torch.tensor([[r["chosenPos"]] for r in rows]),
        "rejectedPos": torch.tensor([[r["rejectedPos"]] for r in rows]),
    }


def main():
    set_seed(randomSeed)
    accel = Accelerator(cpu=True)
    vocabPath = writeVocab(questionBank)
    tokenizer = BertTokenizer(vocabPath)
    pairRows = flattenPairs(questionBank)
    accel.print("%d questions, %d preference pairs, vocab %d" % (len(questionBank), len(pairRows), len(tokenizer)))

    scoreCfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                          intermediate_size=64, max_position_embeddings=64, num_labels=1)
    scorer = BertForSequenceClassification(scoreCfg)
    optim = torch.optim.AdamW(scorer.parameters(), lr=4e-4)
    pairLoader = DataLoader(pairRows, batch_size=4, shuffle=True,
                            collate_fn=functools.partial(collatePairs, bank=questionBank, tokenizer=tokenizer))
    scorer, optim, pairLoader = accel.prepare(scorer, optim, pairLoader)

    for epochNo in range(numEpochs):
        scorer.train()
        epochLoss = 0.0
        for stepNo, batch in enumerate(pairLoader):
            bsz = batch["chosenPos"].size(0)
            approvedScores = scorer(**batch["approvedEnc"]).logits.view(bsz, batch["nApproved"])
            rejectedScores = scorer(**batch["rejectedEnc"]).logits.view(bsz, batch["nRejected"])

            chosenScore = approvedScores.gather(1, batch["chosenPos"])
            rejectedScore = rejectedScores.gather(1, batch["chosenPos"])
            lossVal = -F.logsigmoid(chosenScore - rejectedScore).mean()

            optim.zero_grad()
            accel.backward(lossVal)
            optim.step()
            epochLoss += lossVal.item()
            accel.print("epoch %d step %d pair loss %.4f" % (epochNo, stepNo, lossVal.item()))
        accel.print("epoch %d mean loss %.4f" % (epochNo, epochLoss / len(pairLoader)))

    # rank the approved snippets of each question with the trained scorer
    scorer.eval()
    with torch.no_grad():
        for q in questionBank:
            enc = tokenizer([q["question"]] * len(q["approved"]), q["approved"], padding=True, return_tensors="pt")
            scores = scorer(**enc).logits.squeeze(-1)
            bestIdx = int(scores.argmax())
            accel.print("%-35s best: %s (%.3f)" % (q["question"], q["approved"][bestIdx], scores[bestIdx].item()))


if __name__ == "__main__":
    main()
